"""The collection's inventory folder: items, stock, alerts, CSV, history."""

from postman_requests import LAPTOP, failed, folder, ok, request

inventory = folder(
    "4. Inventory, stock and history",
    "Create an item in your team, edit it safely, move stock, watch its expiry date, "
    "export and import.",
    [
        request(
            "Create an item",
            "POST",
            "/inventory",
            headers={"Idempotency-Key": "{{idempotencyKey}}"},
            body=LAPTOP,
            prerequest='pm.collectionVariables.set("idempotencyKey", "create-" + Date.now());\n'
            'pm.collectionVariables.set("sku", "PM-" + Date.now());\n'
            "// Expires in ten days (UTC, as the server counts): the expiry alert will list it.\n"
            'pm.collectionVariables.set("expiryDate", '
            "new Date(Date.now() + 10 * 86400000).toISOString().slice(0, 10));",
            tests=ok(201, "Item created successfully!")
            + '\npm.collectionVariables.set("itemId", pm.response.json().item_id);\n'
            'pm.test("names embedded", () => pm.expect(pm.response.json().item.category_name).to.include("Postman"));\n'
            'pm.test("expiry date kept", () => pm.expect(pm.response.json().item.expiry_date).to.eql(pm.collectionVariables.get("expiryDate")));',
        ),
        request(
            "Retry the create (same Idempotency-Key)",
            "POST",
            "/inventory",
            headers={"Idempotency-Key": "{{idempotencyKey}}"},
            body=LAPTOP,
            tests=ok(201) + '\npm.test("replayed, not created again", () => {\n'
            '  pm.expect(pm.response.headers.get("Idempotent-Replayed")).to.eql("true");\n'
            '  pm.expect(pm.response.json().item_id).to.eql(pm.collectionVariables.get("itemId"));\n});',
        ),
        request(
            "Create with a bad field",
            "POST",
            "/inventory",
            body={"item_name": "", "quantity": "5", "price": 1},
            tests=failed(400),
        ),
        request(
            "Find items",
            "GET",
            "/inventory?q=laptop&tag=electronics&sort=-price",
            tests=ok(200, "Items retrieved successfully!")
            + '\npm.test("found it", () => pm.expect(pm.response.json().items.map(i => i.id)).to.include(pm.collectionVariables.get("itemId")));',
        ),
        request(
            "Show the item (ETag)",
            "GET",
            "/inventory/{{itemId}}",
            tests=ok(200, "Item retrieved successfully!")
            + '\npm.collectionVariables.set("etag", pm.response.headers.get("ETag"));',
        ),
        request(
            "Update with If-Match",
            "PUT",
            "/inventory/{{itemId}}",
            headers={"If-Match": "{{etag}}"},
            body={"item_name": "Updated Laptop", "quantity": 10, "price": 1100.00},
            tests=ok(200, "Item updated successfully!")
            + '\npm.collectionVariables.set("etag", pm.response.headers.get("ETag"));',
        ),
        request(
            "Update with a stale If-Match",
            "PUT",
            "/inventory/{{itemId}}",
            headers={"If-Match": '"1"'},
            body={"quantity": 99},
            tests=failed(412),
        ),
        request(
            "Change one field",
            "PATCH",
            "/inventory/{{itemId}}",
            body={"description": "Patched"},
            tests=ok(),
        ),
        request(
            "Sell three",
            "POST",
            "/inventory/{{itemId}}/stock",
            body={"change": -3, "reason": "sale", "note": "Order 17"},
            tests=ok()
            + '\npm.test("balance", () => pm.expect(pm.response.json().movement.balance).to.eql(7));',
        ),
        request(
            "Sell too many",
            "POST",
            "/inventory/{{itemId}}/stock",
            body={"change": -1000, "reason": "sale"},
            tests=failed(409),
        ),
        request(
            "Count the shelf",
            "POST",
            "/inventory/{{itemId}}/stock",
            body={"reason": "count", "quantity": 2},
            tests=ok()
            + '\npm.test("low stock now", () => pm.expect(pm.response.json().low_stock).to.be.true);',
        ),
        request(
            "The stock ledger",
            "GET",
            "/inventory/{{itemId}}/movements?verify=true",
            tests=ok()
            + '\npm.test("ledger adds up", () => pm.expect(pm.response.json().verification.holds).to.be.true);',
        ),
        request(
            "Low-stock alerts",
            "GET",
            "/alerts/low-stock",
            tests=ok()
            + '\npm.test("our item is there", () => pm.expect(pm.response.json().alerts.map(a => a.item_id)).to.include(pm.collectionVariables.get("itemId")));',
        ),
        request(
            "Expiring within 30 days",
            "GET",
            "/alerts/expiring?within_days=30",
            tests=ok(200, "Expiring items retrieved successfully!")
            + '\npm.test("our item, ten days left", () => {\n'
            '  const item = pm.response.json().items.find(i => i.id === pm.collectionVariables.get("itemId"));\n'
            '  pm.expect(item).to.be.an("object");\n'
            "  // Nine if the UTC day turned since the item was created.\n"
            "  pm.expect(item.days_left).to.be.within(9, 10);\n});",
        ),
        request(
            "Export CSV",
            "GET",
            "/inventory/export.csv?sort=item_name",
            tests='pm.test("status is 200", () => pm.response.to.have.status(200));\n'
            'pm.test("CSV", () => pm.expect(pm.response.text()).to.include("sku,item_name"));',
        ),
        request(
            "Import CSV (dry run)",
            "POST",
            "/inventory/import?dry_run=true",
            content_type="text/csv",
            raw="sku,item_name,quantity,price\nPMI-{{$timestamp}},Imported mouse,4,19.90\n",
            tests=ok()
            + '\npm.test("nothing written", () => pm.expect(pm.response.json().dry_run).to.be.true);',
        ),
        request(
            "Import CSV",
            "POST",
            "/inventory/import",
            content_type="text/csv",
            raw="sku,item_name,quantity,price\nPMI-{{$timestamp}},Imported mouse,4,19.90\n",
            tests=ok()
            + '\npm.test("one created", () => pm.expect(pm.response.json().created).to.eql(1));',
        ),
        request(
            "History of the item",
            "GET",
            "/history?item_id={{itemId}}",
            tests=ok(200, "History retrieved successfully!")
            + '\npm.test("newest first", () => pm.expect(pm.response.json().history[0].action_type).to.eql("stock"));\n'
            'pm.test("says who", () => pm.expect(pm.response.json().history[0].username).to.eql(pm.collectionVariables.get("username")));',
        ),
        request(
            "Everyone's items (only the site admin may)",
            "GET",
            "/inventory?all=true",
            tests=failed(403, "This needs the site admin role."),
        ),
        request(
            "Delete the item",
            "DELETE",
            "/inventory/{{itemId}}",
            tests=ok(200, "Item deleted successfully!"),
        ),
        request("The item is gone", "GET", "/inventory/{{itemId}}", tests=failed(404)),
    ],
)
