"""Log in (with a code for staff), log out, change or reset your password, the demo outbox."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import two_factor
from portal.accounts.forms import (
    ChangePasswordForm,
    CodeForm,
    LoginForm,
    NewPasswordForm,
    ResetAskForm,
    SetUpCodeForm,
)
from portal.accounts.models import User, lower_or_none
from portal.accounts.passwords import WeakPassword
from portal.accounts.reset import (
    ResetLinkNotValid,
    complete_password_reset,
    live_reset,
    request_password_reset,
)
from portal.accounts.service import (
    WrongPassword,
    change_password,
    check_password_of,
    find_user_by_login,
)
from portal.accounts.sessions import begin_login, end_login_session
from portal.accounts.throttle import count_try, forget_tries, is_throttled
from portal.extensions import db, limiter
from portal.mail import outbox_enabled, recent_outbox_mail
from portal.redirects import safe_next_url

bp = Blueprint("accounts", __name__)

# One message for every failed login, so nobody learns whether an account exists.
LOGIN_FAILED = "That email, username or password is not right. Check them and try again."
TOO_MANY_TRIES = "Too many tries. Wait a minute and try again."
CODE_NOT_RIGHT = "That code is not right. Check your app and try again."
START_AGAIN = "Please log in again. The step after your password lasts 5 minutes, for safety."


def _config(name: str):
    return lambda: current_app.config[name]


def _after_login_url() -> str:
    return safe_next_url(request.args.get("next")) or url_for("families.home")


def _finish_login(user: User) -> None:
    """Start the real login session (after the password, and the code for staff)."""
    begin_login(user)


def _login_throttle_key(user: User | None, typed: str) -> str:
    # Per account, however it is named (email or username); per typed text otherwise.
    return f"user-{user.id}" if user is not None else f"typed-{typed}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_config("LOGIN_RATE_LIMIT"), methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_after_login_url())
    form = LoginForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("accounts/login.html", form=form), status
    found = find_user_by_login(form.login.data)
    key = _login_throttle_key(found, lower_or_none(form.login.data) or "")
    if is_throttled("login", key, "LOGIN_ACCOUNT_LIMIT"):
        return render_template("accounts/login.html", form=form, error=TOO_MANY_TRIES), 429
    user = check_password_of(found, form.password.data)
    if user is None:
        count_try("login", key, "LOGIN_ACCOUNT_LIMIT")
        return render_template("accounts/login.html", form=form, error=LOGIN_FAILED), 401
    forget_tries("login", key, "LOGIN_ACCOUNT_LIMIT")
    if two_factor.second_step_required(user):
        two_factor.begin_pending_login(user, _after_login_url())
        enrolled = two_factor.is_enrolled(user)
        return redirect(url_for(".login_code" if enrolled else ".set_up_code"))
    _finish_login(user)
    return redirect(_after_login_url())


def _start_again():
    if current_user.is_authenticated:  # already through (say, the back button)
        return redirect(url_for("families.home"))
    flash(START_AGAIN, "info")
    return redirect(url_for(".login"))


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_config("TWO_FACTOR_RATE_LIMIT"), methods=["POST"])
@limiter.limit(
    _config("TWO_FACTOR_ACCOUNT_LIMIT"),
    key_func=two_factor.pending_user_key,
    methods=["POST"],
)
def login_code():
    """Staff, second step: the code from their app, or a recovery code."""
    pending = two_factor.pending_login()
    if pending is None:
        return _start_again()
    user, next_url = pending
    if not two_factor.is_enrolled(user):
        return redirect(url_for(".set_up_code"))
    form = CodeForm()
    if form.validate_on_submit():
        used = two_factor.check_code(user, form.code.data)
        if used:
            _finish_login(user)
            if used == "recovery":
                left = two_factor.recovery_codes_left(user)
                flash(
                    f"You used a recovery code. You have {left} left. Each works only once.",
                    "info",
                )
            return redirect(safe_next_url(next_url) or url_for("families.home"))
        db.session.rollback()
        form.code.errors.append(CODE_NOT_RIGHT)
        return render_template("accounts/login_code.html", form=form), 401
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/login_code.html", form=form), status


@bp.route("/login/code/set-up", methods=["GET", "POST"])
@limiter.limit(_config("TWO_FACTOR_RATE_LIMIT"), methods=["POST"])
@limiter.limit(
    _config("TWO_FACTOR_ACCOUNT_LIMIT"),
    key_func=two_factor.pending_user_key,
    methods=["POST"],
)
def set_up_code():
    """Staff without an authenticator app set one up before anything else."""
    pending = two_factor.pending_login()
    if pending is None:
        return _start_again()
    user, next_url = pending
    if two_factor.is_enrolled(user):
        return redirect(url_for(".login_code"))
    two_factor.unconfirmed_app(user)
    db.session.commit()  # the same secret, and QR code, if the page is loaded again
    form = SetUpCodeForm()
    status = 200
    if form.validate_on_submit():
        codes = two_factor.confirm_app(user, form.code.data)
        if codes:
            _finish_login(user)
            next_url = safe_next_url(next_url) or url_for("families.home")
            return render_template("accounts/recovery_codes.html", codes=codes, next_url=next_url)
        db.session.rollback()
        form.code.errors.append(CODE_NOT_RIGHT)
        status = 401
    elif form.is_submitted():
        status = 400
    secret = two_factor.app_of(user).secret
    return render_template(
        "accounts/set_up_code.html",
        form=form,
        qr=two_factor.qr_data_uri(user, secret),
        secret=two_factor.spaced_secret(secret),
    ), status


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


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_config("RESET_RATE_LIMIT"), methods=["POST"])
def reset_ask():
    """Ask for a link to set a new password. The answer is the same for every account,
    real or not, so this page never tells anyone who has an account."""
    form = ResetAskForm()
    if form.validate_on_submit():
        started = time.monotonic()
        request_password_reset(form.login.data)
        answer = render_template("accounts/reset_sent.html")
        # A floor on the time taken: sending a mail must not be what gives an account away.
        time.sleep(
            max(0.0, started + current_app.config["RESET_ANSWER_SECONDS"] - time.monotonic())
        )
        return answer
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/reset_ask.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_config("RESET_TOKEN_RATE_LIMIT"), methods=["POST"])
def reset_password(token: str):
    """Set a new password with the link from the email; then log in as usual."""
    found = live_reset(token)
    if found is None:
        return render_template("accounts/reset_invalid.html"), 404
    reset, user = found
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            complete_password_reset(reset, user, form.new_password.data)
        except WeakPassword as error:
            form.new_password.errors.append(str(error))
        except ResetLinkNotValid:
            db.session.rollback()
            return render_template("accounts/reset_invalid.html"), 404
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash("Password changed. Log in with your new password.", "success")
            return redirect(url_for("accounts.login"))
    status = 400 if form.errors else 200
    return render_template("accounts/reset_new.html", form=form, user=user), status


@bp.get("/outbox")
def outbox():
    """The demo outbox: every mail the demo would have sent. Demo data is public, and
    no real email is sent; outside demo and debug mode this page does not exist."""
    if not outbox_enabled():
        abort(404)
    return render_template("accounts/outbox.html", mails=recent_outbox_mail())
