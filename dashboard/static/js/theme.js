// Runs in <head>, before the page is painted: apply the theme the user chose
// last time. Without a choice, Pico follows the system's light/dark setting.
(function () {
  var theme = null;
  try {
    theme = localStorage.getItem("theme");
  } catch (error) {
    // Storage blocked (private mode, a policy): follow the system.
  }
  if (theme === "dark" || theme === "light") {
    document.documentElement.setAttribute("data-theme", theme);
  }
})();
