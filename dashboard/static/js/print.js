// The alerts page's print button (an inline onclick would break the CSP).
document.addEventListener("alpine:init", () => {
  Alpine.data("printButton", () => ({
    print() {
      window.print();
    },
  }));
});
