"""Imports every feature's models, so the metadata Alembic and the tests see is whole."""

from media.models import MediaFile, MediaItem
from portal.accounts.models import Council, LoginSession, User
from portal.audit import AuditEvent
from portal.families.models import Child, Membership
from portal.invitations.models import Invitation
from portal.mail import OutboxMail
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
    "LoginSession",
    "MediaFile",
    "MediaItem",
    "Membership",
    "OutboxMail",
    "Page",
    "Plan",
    "PlanAmendment",
    "PlanComment",
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
