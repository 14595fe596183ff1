"""Forms for drawing a round and for grading a plan."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import (
    Field,
    IntegerField,
    MonthField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Regexp, ValidationError

from portal.plans.forms import CheckboxesField
from portal.quality.drawing import DEFAULT_SIZE, MAX_SEED, MAX_SIZE
from portal.quality.models import DOMAINS, GRADES, NOT_APPLICABLE, NOT_APPLICABLE_LABEL

COMMENT_LENGTH = Length(max=5_000, message="Keep each comment under 5,000 characters.")


class PlainMonthField(MonthField):
    """A month (YYYY-MM) with a message that says what to type."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = datetime.strptime(valuelist[0].strip(), "%Y-%m").date()
        except ValueError:
            self.data = None
            raise ValueError("Give the month as year and month, for example 2026-03.") from None


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Give a whole number, for example 5.") from None


class DrawForm(FlaskForm):
    month = PlainMonthField(
        "Month the final plans were issued in",
        description="Year and month, for example 2026-03.",
        validators=[InputRequired("Choose the month to audit.")],
    )
    size = WholeNumberField(
        "How many plans to draw",
        description=f"Usually {DEFAULT_SIZE}. Fewer are drawn if fewer were issued.",
        default=DEFAULT_SIZE,
        validators=[
            InputRequired("Say how many plans to draw."),
            NumberRange(1, MAX_SIZE, f"Draw from 1 to {MAX_SIZE} plans."),
        ],
    )
    seed = StringField(
        "Seed (optional)",
        description="Leave blank for a new random draw. The same seed over the same plans "
        "always draws the same sample.",
        validators=[
            Regexp(
                r"^\s*\d{0,9}\s*$", message=f"The seed is a whole number from 0 to {MAX_SEED:,}."
            )
        ],
    )
    auditors = CheckboxesField("Auditors (at least two)", choices=[], coerce=int)

    @property
    def seed_number(self) -> int | None:
        text = (self.seed.data or "").strip()
        return int(text) if text else None


def _known_grade(form, field: Field) -> None:
    if field.data and field.data not in {choice.value for choice in field.choices}:
        raise ValidationError("Choose one of the grades shown.")


def grade_field(domain: str) -> str:
    return f"grade_{domain}"


def comment_field(domain: str) -> str:
    return f"comment_{domain}"


def review_form(
    *, pfa_graded: bool, values: Mapping[str, tuple[str | None, str]] | None = None, **kwargs
) -> FlaskForm:
    """Grades and comments for every domain, starting from `values` (domain -> grade,
    comment) when given. Preparing for Adulthood offers "not applicable" when the child
    was under 14 when the plan was issued."""

    class ReviewForm(FlaskForm):
        pass

    for domain, label in DOMAINS.items():
        choices = [SelectChoice(key, name) for key, name in GRADES.items()]
        if domain == "pfa" and not pfa_graded:
            choices.append(SelectChoice(NOT_APPLICABLE, NOT_APPLICABLE_LABEL))
        setattr(
            ReviewForm,
            grade_field(domain),
            RadioField(
                f"Grade for {label}",
                choices=choices,
                validate_choice=False,
                validators=[_known_grade],
            ),
        )
        setattr(
            ReviewForm,
            comment_field(domain),
            TextAreaField(f"Comment on {label}", validators=[COMMENT_LENGTH]),
        )
    if values is not None:
        kwargs["data"] = {
            name: value
            for domain, (grade, comment) in values.items()
            for name, value in ((grade_field(domain), grade), (comment_field(domain), comment))
        }
    return ReviewForm(**kwargs)


def posted_values(form: FlaskForm) -> dict[str, tuple[str | None, str]]:
    """The grades (None where none was chosen) and trimmed comments, by domain."""
    return {
        domain: (
            form[grade_field(domain)].data or None,
            (form[comment_field(domain)].data or "").strip(),
        )
        for domain in DOMAINS
    }
