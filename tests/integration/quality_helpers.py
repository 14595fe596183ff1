"""Seeding issued plans and auditors for the plan quality audit tests, and grading
through the real forms."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import Council, User
from portal.accounts.service import create_user
from portal.extensions import db
from portal.families.models import Child
from portal.families.service import create_child
from portal.plans.content import Need, Outcome, PlanContent, Provision, SectionABlock, to_json
from portal.plans.models import Plan, PlanVersion
from portal.quality.models import QualityReview, QualitySample
from tests.conftest import csrf_token_from

AUDITOR_PASSWORD = "auditor test password"
BORN_2010 = date(2010, 2, 1)  # 16 in 2026: Preparing for Adulthood is graded

# What every seeded final plan says, and what the automatic checks find in it: no family
# words in Section A; an outcome with no measure and no PfA theme; provision that does
# not say how often and uses "as required". Needs and the golden thread are clean.
FINAL_CONTENT = PlanContent(
    section_a=[SectionABlock(id="a1", text="Likes trains and maps.", source="caseworker")],
    needs=[Need(id="n1", section="B", text="Finds noisy rooms hard.", aspiration_ids=["a1"])],
    outcomes=[
        Outcome(id="o1", text="Travels to college alone.", need_ids=["n1"], timeframe="July 2027")
    ],
    provision=[
        Provision(
            id="p1",
            section="F",
            what="Travel training as required",
            who="The travel trainer",
            how_long="Ten weeks",
            outcome_ids=["o1"],
        )
    ],
)
FINDINGS_BY_DOMAIN = {
    "section_a": ["section_a_no_family_words"],
    "needs": [],
    "outcomes": ["outcome_no_measure"],
    "provision": ["provision_no_frequency", "provision_vague"],
    "golden_thread": [],
    "pfa": ["plan_no_pfa_theme", "outcome_no_pfa_theme"],
}
DRAFT_WORDS = "Words only the first draft had."
AMENDED_WORDS = "Words only the amended plan has."


def _with_text(text: str) -> PlanContent:
    return PlanContent(
        section_a=FINAL_CONTENT.section_a,
        needs=[Need(id="n1", section="B", text=text, aspiration_ids=["a1"])],
        outcomes=FINAL_CONTENT.outcomes,
        provision=FINAL_CONTENT.provision,
    )


def issued_plan(
    council: Council,
    slug: str,
    issued_on: date,
    *,
    born: date = BORN_2010,
    final_version: bool = True,
    amended: bool = False,
    child: Child | None = None,
) -> Plan:
    """A child whose plan went through Draft 1 to the final plan, issued on `issued_on`
    (versions: 1 working, 2 Draft 1, 3 Final plan, and 4 Amended plan 1 if `amended`).
    Without `final_version` the final date was typed in by hand: nothing to audit."""
    if child is None:
        child = create_child(council, name=f"{slug.title()} Child", slug=slug, date_of_birth=born)
    plan = Plan(
        child_id=child.id,
        requested_on=issued_on - timedelta(weeks=19),
        decided_on=issued_on - timedelta(weeks=14),
        draft_issued_on=issued_on - timedelta(weeks=3),
        final_issued_on=issued_on,
    )
    db.session.add(plan)
    db.session.flush()
    versions = [(None, _with_text(DRAFT_WORDS)), ("Draft 1", _with_text(DRAFT_WORDS))]
    if final_version:
        versions.append(("Final plan", FINAL_CONTENT))
    if amended:
        versions.append(("Amended plan 1", _with_text(AMENDED_WORDS)))
    for number, (label, content) in enumerate(versions, start=1):
        db.session.add(
            PlanVersion(plan_id=plan.id, number=number, content=to_json(content), label=label)
        )
    plan.current_number = plan.issued_number = len(versions)
    db.session.commit()
    return plan


def make_auditor(council: Council, name: str, email: str) -> User:
    user = create_user(
        name=name,
        email=email,
        password=AUDITOR_PASSWORD,
        staff_role="auditor",
        council_id=council.id,
    )
    db.session.commit()
    return user


def council_of(slug: str) -> Council:
    """The council a child belongs to (the demo council, from Sam)."""
    child = db.session.scalars(select(Child).where(Child.slug == slug)).one()
    return db.session.get(Council, child.council_id)


def reviews_of(app: Flask, email: str) -> list[int]:
    """An auditor's review ids, in the order their samples were drawn."""
    with app.app_context():
        return list(
            db.session.scalars(
                select(QualityReview.id)
                .join(QualitySample, QualitySample.id == QualityReview.sample_id)
                .join(User, User.id == QualityReview.auditor_id)
                .where(User.email == email)
                .order_by(QualitySample.position)
            )
        )


def grade(
    client: FlaskClient,
    review_id: int,
    grades: dict[str, str],
    *,
    comments: dict[str, str] | None = None,
    action: str = "submit",
):
    """Post the grading form as the auditor would: CSRF token from the page, a grade and
    a comment per domain, and the Save draft or Submit button."""
    url = f"/quality/reviews/{review_id}"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    data = {"csrf_token": token, "action": action}
    for domain, key in grades.items():
        data[f"grade_{domain}"] = key
    for domain, text in (comments or {}).items():
        data[f"comment_{domain}"] = text
    return client.post(url, data=data)
