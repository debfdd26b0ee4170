// The items page: CSV import with a dry-run preview before anything changes.
document.addEventListener("alpine:init", () => {
  Alpine.data("csvImport", () => ({
    busy: false,
    previewed: false,
    cannotApply: true,
    message: "",
    summary: "",
    reset() {
      this.previewed = false;
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
      const response = await fetch(`/inventory/import?dry_run=${dryRun}`, {
        method: "POST",
        headers: { "Content-Type": "text/csv", Accept: "application/json" },
        credentials: "same-origin",
        body: await file.text(),
      });
      this.busy = false;
      let body = null;
      try {
        body = await response.json();
      } catch (error) {
        body = null;
      }
      if (!response.ok) {
        const problems = ((body && body.errors) || []).slice(0, 5).map((p) => `${p.field}: ${p.message}`);
        this.message = [(body && body.message) || `The server answered ${response.status}.`, ...problems].join(" ");
        this.previewed = false;
        this.cannotApply = true;
        return null;
      }
      return body;
    },
    async preview() {
      const report = await this.send(true);
      if (!report) return;
      this.summary = `Preview: ${report.created} to create, ${report.updated} to update, ${report.unchanged} unchanged. Nothing has changed yet.`;
      const tbody = this.$refs.rows;
      tbody.replaceChildren();
      for (const row of report.rows) {
        const tr = document.createElement("tr");
        for (const value of [row.row, row.sku || "—", row.item_name || "—", row.action]) {
          const td = document.createElement("td");
          td.textContent = value;
          tr.appendChild(td);
        }
        tbody.appendChild(tr);
      }
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
