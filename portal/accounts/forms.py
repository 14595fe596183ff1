"""Forms for logging in and changing a password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from portal.accounts.passwords import MAX_LENGTH


class LoginForm(FlaskForm):
    login = StringField(
        "Email or username",
        validators=[DataRequired("Enter your email address or username."), Length(max=254)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "New password",
        description=f"At least 8 characters, at most {MAX_LENGTH}. A few words together work well.",
        validators=[DataRequired("Enter a new password.")],
        render_kw={"autocomplete": "new-password"},
    )


class ResetAskForm(FlaskForm):
    login = StringField(
        "Email or username",
        validators=[DataRequired("Enter your email address or username."), Length(max=254)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )


class NewPasswordForm(FlaskForm):
    new_password = PasswordField(
        "New password",
        description=f"At least 8 characters, at most {MAX_LENGTH}. A few words together work well.",
        validators=[DataRequired("Enter a new password.")],
        render_kw={"autocomplete": "new-password"},
    )


class CodeForm(FlaskForm):
    code = StringField(
        "Code",
        description="The 6-digit code from your authenticator app, or one of your recovery codes.",
        validators=[DataRequired("Enter the code from your app."), Length(max=40)],
        render_kw={
            "autocomplete": "one-time-code",
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )


class SetUpCodeForm(FlaskForm):
    code = StringField(
        "Code from your app",
        description="Your app shows a new 6-digit code every 30 seconds.",
        validators=[DataRequired("Enter the 6-digit code from your app."), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
