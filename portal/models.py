"""Imports every feature's models, so the metadata Alembic and the tests see is whole."""

from media.models import MediaFile, MediaItem
from portal.accounts.models import Council, LoginSession, User
from portal.audit import AuditEvent
from portal.contact.models import (
    KeyWorkerChoice,
    KeyWorkerProfile,
    Message,
    MessageThread,
    PlanFeeling,
)
from portal.families.models import Child, Membership
from portal.invitations.models import Invitation
from portal.mail import OutboxMail
from portal.meetings.models import (
    MeetingFeeling,
    MeetingNote,
    MeetingParticipant,
    MeetingRevision,
    PlanMeeting,
)
from portal.plans.models import Plan, PlanAmendment, PlanComment, PlanVersion
from portal.quality.models import QualityGrade, QualityReview, QualityRound, QualitySample
from portal.rights.models import ErasureRequest
from portal.scans.models import ScannedForm, ScanPage
from wiki.models import Page, Revision

__all__ = [
    "AuditEvent",
    "Child",
    "Council",
    "ErasureRequest",
    "Invitation",
    "KeyWorkerChoice",
    "KeyWorkerProfile",
    "LoginSession",
    "MediaFile",
    "MediaItem",
    "MeetingFeeling",
    "MeetingNote",
    "MeetingParticipant",
    "MeetingRevision",
    "Message",
    "MessageThread",
    "Membership",
    "OutboxMail",
    "Page",
    "Plan",
    "PlanAmendment",
    "PlanComment",
    "PlanFeeling",
    "PlanMeeting",
    "PlanVersion",
    "QualityGrade",
    "QualityReview",
    "QualityRound",
    "QualitySample",
    "Revision",
    "ScanPage",
    "ScannedForm",
    "User",
]
