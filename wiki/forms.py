"""Forms for editing, sharing and searching wiki pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional


class EditForm(FlaskForm):
    title = StringField("Page title")
    body = TextAreaField(
        "Page text",
        description="Write in your own words. **Bold**, - lists and [[Page name]] links work.",
        render_kw={"rows": 14, "data-draft": "body"},
    )
    summary = StringField(
        "What did you change? (optional)",
        description="For example: added what helps at lunchtime.",
    )
    base_revision = IntegerField(
        widget=HiddenField.widget, validators=[InputRequired(), NumberRange(min=0)]
    )


class SimpleAnswerForm(FlaskForm):
    answer = TextAreaField("Your answer", render_kw={"rows": 6})
    base_revision = IntegerField(
        widget=HiddenField.widget, validators=[InputRequired(), NumberRange(min=0)]
    )


VISIBILITY_CHOICES = (
    ("family", "Only our family"),
    ("team", "Our family and the plan team (caseworker and professionals)"),
)


class VisibilityForm(FlaskForm):
    visibility = RadioField(
        "Who can see this page?",
        choices=[SelectChoice(value, label) for value, label in VISIBILITY_CHOICES],
    )


class ConfirmForm(FlaskForm):
    """An empty form: a button with a CSRF token (delete, undelete, restore)."""


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField("Search this wiki", validators=[Optional()])
