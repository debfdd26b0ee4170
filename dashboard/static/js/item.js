// The item page's "record movement" dialog. A person types how many units;
// the reason gives the sign (a sale takes units away), and a stock count
// sends the quantity counted, as POST /inventory/<id>/stock expects.
document.addEventListener("alpine:init", () => {
  Alpine.data("movementForm", () => ({
    busy: false,
    key: null,
    cancel() {
      this.$el.closest("dialog").close();
    },
    async submit(event) {
      event.preventDefault();
      const form = this.$el;
      const fields = formBody(form);
      const units = fields.change;
      const body = { reason: fields.reason };
      if (fields.note !== undefined) body.note = fields.note;
      if (fields.reason === "count") body.quantity = units;
      else if (fields.reason === "sale" && typeof units === "number") body.change = -Math.abs(units);
      else if (["purchase", "return"].includes(fields.reason) && typeof units === "number") body.change = Math.abs(units);
      else body.change = units;
      await submitForm(this, form, body);
    },
  }));
});
