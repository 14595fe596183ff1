"""The one form with a field: confirming an erasure by typing the child's name."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField


class EraseForm(FlaskForm):
    confirm_name = StringField(
        "Type the name to confirm",
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "words"},
    )
