"""Forms for the meeting: who to invite, a section's text, notes, actions, the end, and
"Did you feel included?"."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.meetings.models import FEELINGS
from portal.meetings.service import MAX_COMMENT_CHARS, MAX_NOTE_CHARS, MAX_SECTION_CHARS
from portal.plans.forms import CheckboxesField


class OpenForm(FlaskForm):
    invite = CheckboxesField("Who from the family is invited", choices=[], coerce=int)


class SectionForm(FlaskForm):
    base = IntegerField(widget=widgets.HiddenInput(), validators=[InputRequired()])
    text = TextAreaField(
        "The section's text",
        description="One paragraph for each part, with an empty line between them.",
        validators=[
            Length(
                max=MAX_SECTION_CHARS,
                message=f"Keep this section under {MAX_SECTION_CHARS:,} characters.",
            )
        ],
    )


class MoveForm(FlaskForm):
    section = StringField(validators=[DataRequired()])


class NoteForm(FlaskForm):
    text = TextAreaField(
        "Add a note",
        id="note-text",  # the section's text is "text" on the same page
        validators=[
            DataRequired("Write the note first."),
            Length(max=MAX_NOTE_CHARS, message=f"Keep notes under {MAX_NOTE_CHARS:,} characters."),
        ],
    )


class ActionForm(FlaskForm):
    who = StringField("Who", validators=[DataRequired("Say who will do it."), Length(max=200)])
    what = TextAreaField(
        "What they will do",
        validators=[
            DataRequired("Say what will be done."),
            Length(max=MAX_NOTE_CHARS, message=f"Keep this under {MAX_NOTE_CHARS:,} characters."),
        ],
    )
    by_when = DateField("By when (optional)", validators=[Optional()])


class EndForm(FlaskForm):
    pass


class FeelingForm(FlaskForm):
    answer = RadioField(
        "Did you feel included in the meeting?",
        choices=[SelectChoice(key, name) for key, name in FEELINGS.items()],
        validators=[InputRequired("Choose Yes, Partly or No.")],
    )
    comment = TextAreaField(
        "Anything you would like to tell us? (optional)",
        validators=[
            Length(
                max=MAX_COMMENT_CHARS,
                message=f"Keep your comment under {MAX_COMMENT_CHARS:,} characters.",
            )
        ],
    )
