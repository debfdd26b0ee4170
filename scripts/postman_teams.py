"""The collection's last folders: a shared team, and the site admin's view."""

from postman_requests import (
    ADMIN_LOGIN,
    ADMIN_VARIABLES_SET,
    USER_LOGIN,
    failed,
    folder,
    ok,
    request,
)

teams = folder(
    "5. Teams",
    "Open a shop team, take the admin account on as staff (reads only), then tidy "
    "up: change its role, remove it, rename the team and delete it once empty.",
    [
        request(
            "Create a shop team",
            "POST",
            "/teams",
            body={"name": "Postman shop {{$timestamp}}"},
            tests=ok(201, "Team created successfully!")
            + '\npm.collectionVariables.set("teamId", pm.response.json().team.id);\n'
            'pm.test("you are its admin", () => pm.expect(pm.response.json().team.role).to.eql("admin"));\n'
            'pm.test("not current yet", () => pm.expect(pm.response.json().team.current).to.be.false);',
        ),
        request(
            "Take the admin account on as staff",
            "POST",
            "/teams/{{teamId}}/members",
            body={"username": "{{adminUsername}}", "role": "staff"},
            tests=ok(201, "Member added successfully!")
            + '\npm.collectionVariables.set("adminUserId", pm.response.json().member.user_id);\n'
            'pm.test("as staff", () => pm.expect(pm.response.json().member.role).to.eql("staff"));',
        ),
        request(
            "Add the same member again",
            "POST",
            "/teams/{{teamId}}/members",
            body={"username": "{{adminUsername}}"},
            tests=failed(409),
        ),
        request(
            "List my teams",
            "GET",
            "/teams",
            tests=ok()
            + '\npm.test("personal team first and current, then the shop", () => {\n'
            "  const teams = pm.response.json().teams;\n"
            '  pm.expect(teams[0].id).to.eql(pm.collectionVariables.get("personalTeamId"));\n'
            "  pm.expect(teams[0].current).to.be.true;\n"
            '  pm.expect(teams.map(t => t.id)).to.include(pm.collectionVariables.get("teamId"));\n});',
        ),
        request(
            "Show the team and its members",
            "GET",
            "/teams/{{teamId}}",
            tests=ok() + '\npm.test("you and the admin account", () => {\n'
            "  const members = pm.response.json().members.map(m => m.user_id);\n"
            '  pm.expect(members).to.have.members([pm.collectionVariables.get("userId"), pm.collectionVariables.get("adminUserId")]);\n});',
        ),
        request(
            "Switch to the shop",
            "POST",
            "/teams/{{teamId}}/switch",
            tests=ok(200, "Current team switched.")
            + '\npm.test("now current", () => pm.expect(pm.response.json().team.current).to.be.true);',
        ),
        request(
            "Its catalog is its own",
            "GET",
            "/categories",
            tests=ok()
            + '\npm.test("none of your personal team\'s categories", () => pm.expect(pm.response.json().categories).to.be.empty);',
        ),
        request(
            "Switch back to your inventory",
            "POST",
            "/teams/{{personalTeamId}}/switch",
            tests=ok(200, "Current team switched."),
        ),
        request(
            "Log in as the admin account",
            "POST",
            "/login",
            body=ADMIN_LOGIN,
            prerequest=ADMIN_VARIABLES_SET,
            tests=ok(200, "Login successful!"),
        ),
        request(
            "Read the shop's catalog as staff (X-Team-ID)",
            "GET",
            "/categories",
            headers={"X-Team-ID": "{{teamId}}"},
            tests=ok(),
        ),
        request(
            "Write to the shop's catalog as staff",
            "POST",
            "/categories",
            headers={"X-Team-ID": "{{teamId}}"},
            body={"name": "Not allowed {{$timestamp}}"},
            tests=failed(403, "This needs the team admin role."),
        ),
        request(
            "A team you are not in",
            "GET",
            "/inventory",
            headers={"X-Team-ID": "{{personalTeamId}}"},
            tests=failed(404, "Team not found."),
        ),
        request(
            "Log in as the user again",
            "POST",
            "/login",
            body=USER_LOGIN,
            tests=ok(200, "Login successful!"),
        ),
        request(
            "Make the member a team admin",
            "PATCH",
            "/teams/{{teamId}}/members/{{adminUserId}}",
            body={"role": "admin"},
            tests=ok(200, "Member updated successfully!")
            + '\npm.test("now admin", () => pm.expect(pm.response.json().member.role).to.eql("admin"));',
        ),
        request(
            "Remove the member",
            "DELETE",
            "/teams/{{teamId}}/members/{{adminUserId}}",
            tests=ok(200, "Member removed."),
        ),
        request(
            "Rename the team",
            "PATCH",
            "/teams/{{teamId}}",
            body={"name": "Postman corner shop {{$timestamp}}"},
            tests=ok(200, "Team updated successfully!"),
        ),
        request(
            "The team's history (X-Team-ID)",
            "GET",
            "/history?entity_type=member",
            headers={"X-Team-ID": "{{teamId}}"},
            tests=ok() + '\npm.test("who did what to whom", () => {\n'
            "  const rows = pm.response.json().history;\n"
            '  pm.expect(rows.map(r => r.action_type)).to.eql(["delete", "update", "create"]);\n'
            '  pm.expect(rows[0].team_id).to.eql(pm.collectionVariables.get("teamId"));\n'
            '  pm.expect(rows[0].username).to.eql(pm.collectionVariables.get("username"));\n'
            '  pm.expect(rows[0].entity_name).to.eql(pm.variables.get("adminUsername"));\n});',
        ),
        request(
            "Delete the empty team",
            "DELETE",
            "/teams/{{teamId}}",
            tests=ok(200, "Team deleted."),
        ),
        request(
            "The team is gone",
            "GET",
            "/teams/{{teamId}}",
            tests=failed(404, "Team not found."),
        ),
    ],
)

admin = folder(
    "6. Site admin: users and the audit",
    "Log in as the site admin (variables adminUsername/adminPassword): find users, "
    "set their site role, and read every team's items and history.",
    [
        request(
            "Log in as the site admin",
            "POST",
            "/login",
            body=ADMIN_LOGIN,
            prerequest=ADMIN_VARIABLES_SET,
            tests=ok(200, "Login successful!")
            + '\npm.test("is site admin", () => pm.expect(pm.response.json().user.role).to.eql("admin"));',
        ),
        request(
            "Find the new user",
            "GET",
            "/users?q={{username}}",
            tests=ok()
            + '\npm.test("found", () => pm.expect(pm.response.json().users.length).to.eql(1));',
        ),
        request("Show the user", "GET", "/users/{{userId}}", tests=ok()),
        request(
            "Keep the user as staff",
            "PATCH",
            "/users/{{userId}}",
            body={"role": "staff"},
            tests=ok(),
        ),
        request(
            "Everyone's items",
            "GET",
            "/inventory?all=true",
            tests=ok()
            + '\npm.test("each with its team", () => pm.response.json().items.forEach(i => pm.expect(i.team.id).to.be.a("number")));',
        ),
        request(
            "Everyone's history",
            "GET",
            "/history?all=true&per_page=5",
            tests=ok()
            + '\npm.test("each with its team", () => pm.response.json().history.forEach(r => pm.expect(r.team.id).to.be.a("number")));',
        ),
        request(
            "Log out", "POST", "/logout", tests=ok(200, "Logged out successfully!")
        ),
        request("Logged out", "GET", "/me", tests=failed(401)),
    ],
)
