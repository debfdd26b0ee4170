"""The collection's first folders: getting started, the account, the team's catalog."""

from postman_requests import USER_LOGIN, failed, folder, ok, request

getting_started = folder(
    "1. Getting started",
    "Public endpoints: is it up, which version, and the API description.",
    [
        request(
            "Health",
            "GET",
            "/health",
            tests=ok() + '\npm.test("database ok", () => '
            'pm.expect(pm.response.json().checks.database).to.eql("ok"));',
        ),
        request(
            "API index",
            "GET",
            "/",
            tests=ok() + '\npm.test("links to the docs", () => '
            'pm.expect(pm.response.json().links.docs).to.eql("/docs"));',
        ),
        request("Version", "GET", "/version", tests=ok()),
        request(
            "OpenAPI document",
            "GET",
            "/openapi.json",
            tests='pm.test("OpenAPI 3.1", () => pm.expect(pm.response.json().openapi).to.eql("3.1.0"));',
        ),
        request(
            "Interactive docs",
            "GET",
            "/docs",
            tests='pm.test("HTML page", () => pm.expect(pm.response.headers.get("Content-Type")).to.include("text/html"));',
        ),
        request(
            "Docs stylesheet",
            "GET",
            "/docs/assets/swagger-ui.css",
            tests='pm.test("status is 200", () => pm.response.to.have.status(200));',
        ),
    ],
)

account = folder(
    "2. Account",
    "Register a user (a fresh name each run) and log in; the session cookie does the rest.",
    [
        request(
            "Register",
            "POST",
            "/register",
            body={
                "username": "{{username}}",
                "email": "{{username}}@example.com",
                "password": "{{password}}",
            },
            # A fresh user each run, with a generated password (letters and digits).
            prerequest='pm.collectionVariables.set("username", "postman_" + Date.now());\n'
            'pm.collectionVariables.set("password", "Pm-" + Date.now() + "-" + Math.random().toString(36).slice(2));',
            tests=ok(201, "User registered successfully!")
            + '\npm.test("staff by default", () => pm.expect(pm.response.json().user.role).to.eql("staff"));\n'
            'pm.collectionVariables.set("userId", pm.response.json().user.id);',
        ),
        request(
            "Register the same name again",
            "POST",
            "/register",
            body={
                "username": "{{username}}",
                "email": "other-{{username}}@example.com",
                "password": "{{password}}",
            },
            tests=failed(409),
        ),
        request(
            "Log in with a wrong password",
            "POST",
            "/login",
            body={"username": "{{username}}", "password": "wrong-pass-1"},
            tests=failed(401),
        ),
        request(
            "Log in",
            "POST",
            "/login",
            body=USER_LOGIN,
            tests=ok(200, "Login successful!")
            + '\npm.test("session cookie", () => pm.expect(pm.cookies.has("session")).to.be.true);',
        ),
        request(
            "Who am I",
            "GET",
            "/me",
            tests=ok()
            + '\npm.test("it is me", () => pm.expect(pm.response.json().user.username).to.eql(pm.collectionVariables.get("username")));\n'
            'pm.test("in my own team, as its admin", () => {\n'
            "  const team = pm.response.json().team;\n"
            '  pm.expect(team.name).to.eql(pm.collectionVariables.get("username") + "\'s inventory");\n'
            '  pm.expect(team.role).to.eql("admin");\n});\n'
            'pm.collectionVariables.set("personalTeamId", pm.response.json().team.id);',
        ),
        request(
            "Change the password with a wrong current one",
            "PUT",
            "/me/password",
            body={"current_password": "wrong-pass-1", "new_password": "{{password}}-2"},
            tests=failed(400)
            + '\npm.test("names the field", () => pm.expect(pm.response.json().errors[0].field).to.eql("current_password"));',
        ),
        request(
            "Change the password",
            "PUT",
            "/me/password",
            body={"current_password": "{{password}}", "new_password": "{{password}}-2"},
            # This session stays logged in; later logins use the new password.
            tests=ok(200, "Password changed.")
            + '\npm.collectionVariables.set("password", pm.collectionVariables.get("password") + "-2");',
        ),
        request(
            "Still logged in after the change",
            "GET",
            "/me",
            tests=ok()
            + '\npm.test("still me", () => pm.expect(pm.response.json().user.username).to.eql(pm.collectionVariables.get("username")));',
        ),
    ],
)

catalog = folder(
    "3. Your team's catalog",
    "Every user starts in a personal team, as its admin: they manage its "
    "categories and suppliers, which no other team sees.",
    [
        request(
            "Create a category",
            "POST",
            "/categories",
            body={
                "name": "Postman category {{$timestamp}}",
                "description": "Made by the collection",
            },
            tests=ok(201)
            + '\npm.collectionVariables.set("categoryId", pm.response.json().category.id);',
        ),
        request(
            "List categories", "GET", "/categories?q=Postman&per_page=10", tests=ok()
        ),
        request("Show the category", "GET", "/categories/{{categoryId}}", tests=ok()),
        request(
            "Replace the category's fields",
            "PUT",
            "/categories/{{categoryId}}",
            body={"name": "Postman category {{$timestamp}} v2"},
            tests=ok(),
        ),
        request(
            "Change the category's description",
            "PATCH",
            "/categories/{{categoryId}}",
            body={"description": "Patched"},
            tests=ok(),
        ),
        request(
            "Create a supplier",
            "POST",
            "/suppliers",
            body={
                "name": "Postman supplier {{$timestamp}}",
                "email": "sales@postman.example",
                "phone": "+1 555 0100",
            },
            tests=ok(201)
            + '\npm.collectionVariables.set("supplierId", pm.response.json().supplier.id);',
        ),
        request("List suppliers", "GET", "/suppliers?q=Postman", tests=ok()),
        request("Show the supplier", "GET", "/suppliers/{{supplierId}}", tests=ok()),
        request(
            "Replace the supplier's fields",
            "PUT",
            "/suppliers/{{supplierId}}",
            body={"name": "Postman supplier {{$timestamp}} v2", "contact_name": "Pat"},
            tests=ok(),
        ),
        request(
            "Change the supplier's address",
            "PATCH",
            "/suppliers/{{supplierId}}",
            body={"address": "1 Main St"},
            tests=ok(),
        ),
        request(
            "Create a spare category",
            "POST",
            "/categories",
            body={"name": "Spare {{$timestamp}}"},
            tests=ok(201)
            + '\npm.collectionVariables.set("spareCategoryId", pm.response.json().category.id);',
        ),
        request(
            "Delete the spare category",
            "DELETE",
            "/categories/{{spareCategoryId}}",
            tests=ok(),
        ),
        request(
            "Create a spare supplier",
            "POST",
            "/suppliers",
            body={"name": "Spare supplier {{$timestamp}}"},
            tests=ok(201)
            + '\npm.collectionVariables.set("spareSupplierId", pm.response.json().supplier.id);',
        ),
        request(
            "Delete the spare supplier",
            "DELETE",
            "/suppliers/{{spareSupplierId}}",
            tests=ok(),
        ),
    ],
)
