"""The login and register pages. Both send JSON to POST /login and /register."""

from flask import g, redirect, render_template, request

from dashboard import bp
from dashboard.access import local_path


@bp.get("/login")
def login():
    """Show the login form (a logged-in browser goes straight on)."""
    next_page = local_path(request.args.get("next"))
    if g.user_id is not None:
        return redirect(next_page)
    return render_template("dashboard/login.html", next_page=next_page)


@bp.get("/register")
def register():
    """Show the form that creates an account."""
    if g.user_id is not None:
        return redirect(local_path(None))
    return render_template("dashboard/register.html")
