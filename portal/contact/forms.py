"""Forms for messages, key-worker details and "Did you feel included?"."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from portal.contact.models import CATEGORIES, FEELINGS
from portal.contact.service import BODY_LENGTH, SUBJECT_LENGTH

BODY = Length(max=BODY_LENGTH, message=f"Keep your message under {BODY_LENGTH:,} characters.")


class NewMessageForm(FlaskForm):
    category = SelectField(
        "What is it about?",
        choices=[SelectChoice(key, label) for key, label in CATEGORIES.items()],
        default="general",
    )
    subject = StringField(
        "A short title",
        validators=[
            DataRequired("Give your message a short title."),
            Length(max=SUBJECT_LENGTH, message="Keep the title under 200 characters."),
        ],
    )
    body = TextAreaField("Your message", validators=[DataRequired("Write your message."), BODY])
    # Checked by portal.contact.service.resolve_about, which says clearly what is wrong.
    about = SelectField(
        "Is it about one of the pages, a photo or file, or a part of the plan? (optional)",
        choices=[],
        validate_choice=False,
    )


class ReplyForm(FlaskForm):
    body = TextAreaField("Your reply", validators=[DataRequired("Write your reply."), BODY])


class ProfileForm(FlaskForm):
    job_title = StringField(
        "Job title",
        description="For example: SEND caseworker, Lead worker for early years.",
        validators=[Length(max=120, message="Keep this under 120 characters.")],
    )
    phone = StringField(
        "Work phone",
        validators=[Length(max=40, message="Keep this under 40 characters.")],
    )
    email = EmailField(
        "Work email for families",
        description="Leave empty to show the address you log in with.",
        validators=[
            Optional(),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message="Enter an email address like name@council.gov.uk.",
            ),
            Length(max=254),
        ],
    )
    hours = StringField(
        "When you work",
        description="For example: Mon–Thu 9–5.",
        validators=[Length(max=200, message="Keep this under 200 characters.")],
    )
    photo = FileField(
        "Your photo (optional)",
        description="A photo of your face helps families know who they are talking to. "
        "We keep a small copy without its location or camera details.",
        render_kw={"accept": "image/*"},
    )
    remove_photo = BooleanField("Remove my photo; show my initials instead")


class ChooseKeyWorkerForm(FlaskForm):
    child = IntegerField(validators=[InputRequired()])
    worker = SelectField("Key worker", choices=[], coerce=int, validate_choice=False)


class TargetForm(FlaskForm):
    days = IntegerField(
        "Working days to answer a family's message",
        validators=[
            InputRequired("Give a number of working days."),
            NumberRange(min=1, max=20, message="Choose between 1 and 20 working days."),
        ],
    )


class FeelingForm(FlaskForm):
    version = IntegerField(validators=[InputRequired()])
    answer = RadioField(
        "Did you feel included?",
        choices=[SelectChoice(key, label) for key, label in FEELINGS.items()],
        validators=[InputRequired("Choose Yes, Partly or No.")],
    )
    comment = TextAreaField(
        "Anything you want to add (optional)",
        validators=[Length(max=2_000, message="Keep this under 2,000 characters.")],
    )
