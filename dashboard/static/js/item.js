// The item page's "record movement" dialog. A person types how many units;
// the reason gives the sign (a sale takes units away), and a stock count
// sends the quantity counted, as POST /inventory/<id>/stock expects.
document.addEventListener("alpine:init", () => {
  // What the message read out after a movement says it did.
  const DONE = { sale: "sold", purchase: "received", return: "took back", adjustment: "adjusted by" };

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
      // A sale or delivery adds to whatever is there, so it is safe whatever
      // changed meanwhile; only a count, which sets the quantity, must be
      // refused if the stock moved since the page was read.
      await submitForm(this, form, body, {
        ifMatch: fields.reason === "count",
        done: (result) => {
          const { movement, item } = result.body;
          const what =
            fields.reason === "count"
              ? `counted ${movement.balance}`
              : `${DONE[fields.reason]} ${fields.reason === "adjustment" ? movement.change : Math.abs(movement.change)}`;
          return `Recorded: ${what}. ${item.item_name} has ${item.quantity} in stock now.`;
        },
      });
    },
  }));
});
