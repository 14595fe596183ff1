"""Forms for writing the plan and for the family's review. Every change form carries the
version it was opened on, so a change made meanwhile by someone else is noticed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.plans.content import PFA_THEMES, SECTIONS

# One-line details (by when, who, how often...): long enough for any real answer.
SHORT = Length(max=1_000, message="Keep this under 1,000 characters.")
LONG = Length(max=20_000, message="Keep this under 20,000 characters.")
COMMENT_LENGTH = Length(max=5_000, message="Keep this under 5,000 characters.")


class CheckboxesField(SelectMultipleField):
    """Links to other items, as checkboxes: easier on a phone than a multi-select."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ChangeForm(FlaskForm):
    base = IntegerField(widget=widgets.HiddenInput())


def _section_choices(letters: str) -> list[SelectChoice]:
    return [SelectChoice(letter, f"{letter}: {SECTIONS[letter]}") for letter in letters]


class SummaryForm(ChangeForm):
    text = TextAreaField(
        "Your summary",
        description="In plain words. Quote the family's own words from their pages "
        "as well: use “Quote from a page”.",
        validators=[DataRequired("Write the summary."), LONG],
    )


class NeedForm(ChangeForm):
    section = RadioField("Section", choices=_section_choices("BCD"), default="B")
    text = TextAreaField("The need", validators=[DataRequired("Describe the need."), LONG])
    links = CheckboxesField("Comes from these Section A passages", choices=[])


class OutcomeForm(ChangeForm):
    text = TextAreaField(
        "The outcome",
        description="What the child or young person will be able to do.",
        validators=[DataRequired("Describe the outcome."), LONG],
    )
    links = CheckboxesField("Meets these needs", choices=[])
    pfa_theme = SelectField(
        "Preparing for Adulthood theme",
        description="From age 14 (Year 9) every outcome should have one.",
        choices=[SelectChoice("", "None")]
        + [SelectChoice(key, name) for key, name in PFA_THEMES.items()],
        validators=[Optional()],
    )
    timeframe = StringField(
        "By when",
        description="For example: by the end of Year 11 (July 2027).",
        validators=[SHORT],
    )
    measure = StringField(
        "How we will know",
        description="For example: travels to college on her own on 4 days out of 5.",
        validators=[SHORT],
    )


class ProvisionForm(ChangeForm):
    section = RadioField("Section", choices=_section_choices("FGH"), default="F")
    what = TextAreaField(
        "What will be provided",
        validators=[DataRequired("Say what will be provided."), LONG],
    )
    who = StringField(
        "Who provides it",
        description="For example: the school's speech and language therapist.",
        validators=[SHORT],
    )
    how_often = StringField(
        "How often", description="For example: twice a week, 30 minutes.", validators=[SHORT]
    )
    how_long = StringField(
        "For how long or how much",
        description="For example: until the next annual review.",
        validators=[SHORT],
    )
    links = CheckboxesField("Works towards these outcomes", choices=[])


class TextSectionForm(ChangeForm):
    text = TextAreaField("Text", validators=[LONG])


class QuoteForm(ChangeForm):
    page = HiddenField()
    revision = IntegerField(widget=widgets.HiddenInput())
    passages = CheckboxesField("Passages to quote", choices=[], coerce=int)


class DatesForm(FlaskForm):
    requested_on = DateField("Request for assessment received", validators=[Optional()])
    decided_on = DateField("Decision to assess made", validators=[Optional()])
    draft_issued_on = DateField("First draft issued", validators=[Optional()])
    final_issued_on = DateField("Final plan issued", validators=[Optional()])


class StartForm(FlaskForm):
    requested_on = DateField(
        "When was the request for an assessment received?",
        description="Leave empty if you do not know yet; you can add it later.",
        validators=[Optional()],
    )


class CommentForm(FlaskForm):
    section = HiddenField()
    body = TextAreaField(
        "Your comment",
        validators=[InputRequired("Write your comment first."), COMMENT_LENGTH],
    )


class SuggestForm(FlaskForm):
    proposed = TextAreaField(
        "The wording you would like",
        validators=[InputRequired("Write the wording you would like."), LONG],
    )
    reason = TextAreaField(
        "Why (optional)",
        description="This helps the caseworker understand.",
        validators=[COMMENT_LENGTH],
    )


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        "Why the plan keeps its wording",
        validators=[InputRequired("Say why, so the family can understand."), COMMENT_LENGTH],
    )
