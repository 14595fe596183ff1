"""Forms for the media library: upload, link, details."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import MultipleFileField, RadioField, SelectChoice, StringField, TextAreaField

from media.kinds import ACCEPT_ATTRIBUTE

SHARING_CHOICES = (
    ("family", "Only our family"),
    ("team", "Our family and the plan team (caseworker and professionals)"),
)


class UploadForm(FlaskForm):
    file = MultipleFileField(
        "Choose photos, videos, sound or documents",
        description="You can choose several at once, or take a photo or video now.",
        render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True},
    )
    title = StringField(
        "Title (optional)",
        description="For example: Sam at the farm. We use the file name if you leave it empty.",
    )
    alt = TextAreaField(
        "Describe it (optional)",
        description="What is in the picture, or what is said in the recording, "
        "for people who cannot see or hear it.",
        render_kw={"rows": 3},
    )


class LinkForm(FlaskForm):
    url = StringField("Web address", render_kw={"inputmode": "url", "autocomplete": "url"})
    title = StringField("Title", description="For example: Sam's favourite song.")
    alt = TextAreaField("Why it matters (optional)", render_kw={"rows": 2})


class DetailsForm(FlaskForm):
    title = StringField("Title")
    alt = TextAreaField(
        "Description",
        description="What is in the picture, or what is said in the recording.",
        render_kw={"rows": 4},
    )
    visibility = RadioField(
        "Who can see this?",
        choices=[SelectChoice(value, label) for value, label in SHARING_CHOICES],
    )


class ReplaceForm(FlaskForm):
    file = MultipleFileField("Choose the new file", render_kw={"accept": ACCEPT_ATTRIBUTE})
