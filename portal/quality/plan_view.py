"""Showing an audited plan version read-only, with templates/plans/_content.html.

Nothing on it leads anywhere else: no editing or review buttons, and Section A names the
family's pages without linking to them (the auditor has no way into the wiki).
"""

from __future__ import annotations

from collections.abc import Mapping

from portal.families.models import Child
from portal.plans.content import (
    NEED_SECTIONS,
    PFA_THEMES,
    PROVISION_SECTIONS,
    SECTIONS,
    PlanContent,
)
from portal.plans.quality import Finding


def _linked_back(items, links: str) -> dict[str, list[str]]:
    """For each id, the items that name it in their `links` list (outcomes per need...)."""
    found: dict[str, list[str]] = {}
    for item in items:
        for linked in getattr(item, links):
            found.setdefault(linked, []).append(item.id)
    return found


def plan_context(child: Child, content: PlanContent, findings: Mapping[str, list[Finding]]) -> dict:
    """The variables _content.html needs, for reading only."""
    by_item: dict[str, list[Finding]] = {}
    for domain_findings in findings.values():
        for finding in domain_findings:
            if finding.item_id:
                by_item.setdefault(finding.item_id, []).append(finding)
    return dict(
        child=child,
        content=content,
        editable=False,
        reviewing=False,
        viewer_is_family=False,
        base=0,
        findings_by_item=by_item,
        updates={},
        comments_by_section={},
        outcome_for=_linked_back(content.outcomes, "need_ids"),
        provision_for=_linked_back(content.provision, "outcome_ids"),
        sections=SECTIONS,
        need_sections=NEED_SECTIONS,
        provision_sections=PROVISION_SECTIONS,
        pfa_themes=PFA_THEMES,
        inline_segments=None,
    )
