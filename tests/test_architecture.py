"""The import direction of DESIGN section 3, checked by parsing the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PORTAL_CORE = {
    "portal.config",
    "portal.extensions",
    "portal.access",
    "portal.audit",
    "portal.dbtypes",
}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """Nodes under `if TYPE_CHECKING:`: names for type hints, never imported at run time."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            skipped |= {id(child) for stmt in node.body for child in ast.walk(stmt)}
    return skipped


def imports_of(package: str) -> list[tuple[Path, str]]:
    found = []
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        type_only = _type_checking_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in type_only:
                continue
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((path, node.module))
    return found


def test_media_never_imports_wiki():
    offenders = [
        (str(p), m) for p, m in imports_of("media") if m == "wiki" or m.startswith("wiki.")
    ]
    assert offenders == []


@pytest.mark.parametrize("package", ["wiki", "media"])
def test_wiki_and_media_use_only_portal_core(package):
    offenders = [
        (str(p), m)
        for p, m in imports_of(package)
        if (m == "portal" or m.startswith("portal.")) and m not in PORTAL_CORE
    ]
    assert offenders == []


def test_the_checker_sees_imports():
    # Guards the test above from passing because it parsed nothing.
    assert any(m == "portal.extensions" for _, m in imports_of("portal"))
