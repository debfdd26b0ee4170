// The layout on a phone: the main navigation's menu button (app.css opens the
// menu from its aria-expanded), and the labels of tables shown as cards.
document.addEventListener("alpine:init", () => {
  Alpine.data("navMenu", () => ({
    open: false,
    toggle() {
      this.open = !this.open;
    },
    close() {
      if (!this.open) return;
      this.open = false;
      this.$refs.button.focus();
    },
  }));
});

// A table of class "cards" shows each row as a card on a phone: every cell is
// labelled with its column's heading (app.css shows data-label), so the
// templates write each heading once.
document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("table.cards")) {
    const headings = Array.from(table.querySelectorAll("thead th"), (th) =>
      th.textContent.replace(/[▲▼]/g, "").trim(),
    );
    for (const row of table.querySelectorAll("tbody tr")) {
      Array.from(row.cells).forEach((cell, index) => {
        if (!cell.dataset.label) cell.dataset.label = headings[index] || "";
      });
    }
  }
});
