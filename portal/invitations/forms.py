"""Forms for inviting people, joining, and young people's own accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, SelectChoice, StringField

from portal.invitations.service import INVITABLE_ROLES


class InviteForm(FlaskForm):
    role = RadioField(
        "What may they do?",
        choices=[SelectChoice(value, label) for value, label in INVITABLE_ROLES.items()],
        default="family_viewer",
    )
    name = StringField("Their name", description="So you know who each invitation is for.")
    email = EmailField(
        "Their email address (optional)",
        description="We email them the link, and only that address can use it. "
        "Leave it empty to print or copy the link instead.",
    )


class NewFamilyForm(FlaskForm):
    name = StringField("The parent or carer's name")
    email = EmailField(
        "Their email address (optional)",
        description="Leave it empty to print the invitation and hand it over.",
    )


class JoinForm(FlaskForm):
    name = StringField("Your name", render_kw={"autocomplete": "name"})
    email = EmailField("Your email address", render_kw={"autocomplete": "email"})
    password = PasswordField(
        "Choose a password",
        description="At least 8 characters. A few words together is easy to remember.",
        render_kw={"autocomplete": "new-password"},
    )
    child_name = StringField("Your child's name")


class YoungPersonForm(FlaskForm):
    name = StringField("Their name")
    username = StringField(
        "Username",
        description="What they type to log in, for example sam.h. No email needed.",
        render_kw={"autocapitalize": "none", "autocomplete": "off"},
    )
    password = PasswordField(
        "Password", description="At least 8 characters.", render_kw={"autocomplete": "new-password"}
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", render_kw={"autocomplete": "new-password"})
