"""Log in, log out, and change your password."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts.forms import ChangePasswordForm, LoginForm
from portal.accounts.passwords import WeakPassword
from portal.accounts.service import WrongPassword, authenticate, change_password
from portal.accounts.sessions import end_login_session, start_login_session
from portal.extensions import db, limiter
from portal.redirects import safe_next_url

bp = Blueprint("accounts", __name__)

# One message for every failed login, so nobody learns whether an account exists.
LOGIN_FAILED = "That email, username or password is not right. Check them and try again."


def _after_login_url() -> str:
    return safe_next_url(request.args.get("next")) or url_for("families.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_after_login_url())
    form = LoginForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("accounts/login.html", form=form), status
    user = authenticate(form.login.data, form.password.data)
    if user is None:
        return render_template("accounts/login.html", form=form, error=LOGIN_FAILED), 401
    session.clear()  # a fresh session: nothing from before login carries over
    start_login_session(user)
    login_user(user)
    db.session.commit()
    return redirect(_after_login_url())


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_login_session(current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash("You have logged out.", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(user, form.current_password.data, form.new_password.data)
        except WrongPassword as error:
            form.current_password.errors.append(str(error))
        except WeakPassword as error:
            form.new_password.errors.append(str(error))
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            flash("Your password is changed. You are logged out everywhere else.", "success")
            return redirect(url_for("accounts.account"))
    status = 400 if form.errors else 200
    return render_template("accounts/account.html", form=form), status
