// The items page: CSV import with a dry-run preview before anything changes.

// The file's columns (and the API's fields) as the item's dialogs name them.
const COLUMN_LABELS = {
  sku: "SKU",
  item_name: "Name",
  description: "Description",
  quantity: "Quantity",
  price: "Price",
  cost_price: "Cost price",
  reorder_level: "Reorder level",
  status: "Status",
  expiry_date: "Expiry date",
  category: "Category",
  category_id: "Category",
  supplier: "Supplier",
  supplier_id: "Supplier",
  metadata: "Metadata",
};
const ACTIONS = { create: "New item", update: "Update", unchanged: "No change" };

// "Category", or for a column the API does not know, the header as written.
function columnLabel(field) {
  const column = (field || "").split(".")[0];
  return COLUMN_LABELS[column] || (column ? `“${column}”` : "");
}

// A catalog id as its name, read from the New item dialog's menus.
function catalogName(field, id) {
  const select = document.getElementById(`new-${field}`);
  const option = select && Array.from(select.options).find((o) => o.value === String(id));
  return option ? option.textContent : `another ${field.replace("_id", "")}`;
}

function shown(field, value) {
  if (value === null || value === undefined || value === "") return "none";
  if (field === "price" || field === "cost_price") return Number(value).toFixed(2);
  if (field === "category_id" || field === "supplier_id") return catalogName(field, value);
  return String(value);
}

// What an update would change, in words: "Quantity 8 → 20; Price 1.50 → 2.25".
function describeChanges(changes) {
  const parts = [];
  // In the order of the file's columns, as an export writes them.
  const order = Object.keys(COLUMN_LABELS);
  const fields = Object.entries(changes || {}).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
  for (const [field, [before, after]] of fields) {
    if (field === "metadata") {
      const tags = (value) => ((value && value.tags) || []).join(", ") || "none";
      if (tags(before) !== tags(after)) parts.push(`Tags ${tags(before)} → ${tags(after)}`);
      const rest = (value) => JSON.stringify({ ...(value || {}), tags: null });
      if (rest(before) !== rest(after)) parts.push("other product details");
      continue;
    }
    parts.push(`${columnLabel(field)} ${shown(field, before)} → ${shown(field, after)}`);
  }
  return parts.join("; ");
}

// Fill a table's body; each cell carries its column's name, which a phone
// shows beside it when the rows are drawn as cards (app.css).
function fillRows(tbody, rows) {
  const headers = Array.from(tbody.closest("table").querySelectorAll("thead th"), (th) => th.textContent);
  tbody.replaceChildren();
  for (const cells of rows) {
    const tr = document.createElement("tr");
    for (const [index, value] of cells.entries()) {
      const td = document.createElement("td");
      td.dataset.label = headers[index];
      td.textContent = value;
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
}

document.addEventListener("alpine:init", () => {
  Alpine.data("csvImport", () => ({
    busy: false,
    previewed: false,
    refused: false,
    cannotApply: true,
    message: "",
    summary: "",
    reset() {
      this.previewed = false;
      this.refused = false;
      this.cannotApply = true;
      this.message = "";
    },
    closeDialog() {
      this.$el.closest("dialog").close();
    },
    async send(dryRun) {
      const file = this.$refs.file.files[0];
      if (!file) {
        this.message = "Choose a CSV file first.";
        return null;
      }
      this.busy = true;
      this.message = "";
      let response;
      try {
        response = await fetch(`/inventory/import?dry_run=${dryRun}`, {
          method: "POST",
          headers: { "Content-Type": "text/csv", Accept: "application/json" },
          credentials: "same-origin",
          body: await file.text(),
        });
      } catch (error) {
        this.busy = false;
        this.message = "The server could not be reached. Check your connection and try again.";
        return null;
      }
      this.busy = false;
      let body = null;
      try {
        body = await response.json();
      } catch (error) {
        body = null;
      }
      if (response.ok) return body;
      this.previewed = false;
      this.cannotApply = true;
      const result = { status: response.status, body, headers: response.headers };
      if (await sessionHasEnded(result)) {
        this.message = "Not imported: your session has ended. Log in again, then choose the file again.";
        showSessionEnded(null);
      } else {
        this.showProblems(result);
      }
      return null;
    },
    // Each bad row on a line of its own, with its row number as a spreadsheet counts.
    showProblems(result) {
      const problems = (result.body && result.body.errors) || [];
      const byRow = new Map();
      for (const problem of problems) {
        const row = problem.row === undefined ? "—" : problem.row;
        const words = plainWords(problem.message);
        const label = columnLabel(problem.field);
        if (!byRow.has(row)) byRow.set(row, []);
        byRow.get(row).push(label ? `${label}: ${words}` : words);
      }
      const rows = Array.from(byRow.keys()).filter((row) => row !== 1 && row !== "—");
      if (rows.length) {
        const count = rows.length === 1 ? "1 row has a mistake" : `${rows.length} rows have mistakes`;
        this.message = `Not imported: ${count}, listed below; nothing was changed. Correct the file, then preview it again.`;
      } else if (byRow.has(1)) {
        this.message = "Not imported: the first row must name the columns, as an export does. Nothing was changed.";
      } else {
        this.message = `Not imported: ${plainWords(explain(result, this.$el))} Nothing was changed.`;
      }
      this.refused = byRow.size > 0;
      fillRows(
        this.$refs.problems,
        Array.from(byRow, ([row, words]) => [row === 1 ? "1 (column names)" : row, words.join(" ")]),
      );
    },
    async preview() {
      const report = await this.send(true);
      if (!report) return;
      this.refused = false;
      this.summary = `Preview: ${report.created} to create, ${report.updated} to update, ${report.unchanged} unchanged. Nothing has changed yet.`;
      fillRows(
        this.$refs.rows,
        report.rows.map((row) => [
          row.row,
          row.sku || "—",
          row.item_name || "—",
          ACTIONS[row.action] || row.action,
          describeChanges(row.changes) || "—",
        ]),
      );
      this.previewed = true;
      this.cannotApply = false;
    },
    async apply() {
      const report = await this.send(false);
      if (!report) return;
      announceNext(report.message);
      window.location.reload();
    },
  }));
});
