"""Friendly error pages, in plain English, with the right status code."""

from __future__ import annotations

from flask import Flask, flash, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: (
        "Something was wrong with that request",
        "Go back, check what you entered and try again.",
    ),
    403: (
        "You cannot do that",
        "You do not have permission for this. Ask the person who invited you.",
    ),
    404: ("Page not found", "Check the address, or go back to your home page."),
    405: ("That did not work", "Go back and use the buttons on the page."),
    413: ("That file is too large", "Try a smaller file, or ask for help."),
    429: ("Too many tries", "Please wait a minute, then try again."),
    500: (
        "Something went wrong on our side",
        "It is not your fault. Please try again in a few minutes.",
    ),
}
CSRF_EXPIRED = (
    "This form had expired, so nothing was saved. We have kept what you typed; "
    "please check it and send it again."
)


def render_error(code: int):
    title, advice = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    return render_template("errors/error.html", code=code, title=title, advice=advice), code


# Fields never shown back: secrets, and the hidden plumbing of our own forms.
UNSHOWN_FIELDS = {"csrf_token", "password", "current_password", "new_password", "base_revision"}


def handle_csrf_error(error: CSRFError):
    # The login form is shown again with the login kept; the password never is.
    if request.endpoint == "accounts.login":
        from portal.accounts.forms import LoginForm

        form = LoginForm(formdata=None, login=request.form.get("login", "")[:254])
        return render_template("accounts/login.html", form=form, error=CSRF_EXPIRED), 400
    return render_form_not_saved(400)


def render_form_not_saved(status: int):
    """Show the person what they typed into a form that could not be saved, to copy."""
    typed = [
        (name, value)
        for name, value in request.form.items()
        if name not in UNSHOWN_FIELDS and value.strip() and name not in {"save", "preview"}
    ]
    return render_template("errors/form_expired.html", typed=typed), status


def handle_unauthorized():
    """Logged out: a page view goes to the login page; a form post keeps what was typed."""
    from flask_login import login_url

    if request.method == "POST":
        return render_form_not_saved(401)
    flash("Please log in to see this page.", "info")
    return redirect(login_url("accounts.login", next_url=request.full_path.rstrip("?")))


def handle_http_error(error: HTTPException):
    return render_error(error.code or 500)


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, lambda error: render_error(500))
