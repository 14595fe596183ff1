"""What we check on every page a browser test visits."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()

# Bytes over the wire: the page and everything it loaded, headers included.
PAGE_WEIGHT_SCRIPT = """() => {
  const entries = [
    ...performance.getEntriesByType('navigation'),
    ...performance.getEntriesByType('resource'),
  ];
  return entries.reduce((total, entry) => total + entry.transferSize, 0);
}"""

# Interactive things smaller than 44×44 CSS pixels; links inside running text are exempt.
SMALL_TARGETS_SCRIPT = """() => [...document.querySelectorAll('a, button, input, select, textarea')]
  .filter(el => el.offsetParent !== null && !el.closest('p, li.inline'))
  // A radio button or checkbox is tapped through its whole label.
  .map(el => ({el, box: (['radio', 'checkbox'].includes(el.type) && el.labels.length
    ? el.labels[0] : el).getBoundingClientRect()}))
  .filter(({box}) => box.height < 44 || box.width < 44)
  .map(({el, box}) => {
    const label = (el.textContent || el.name || '').trim();
    return `${el.tagName} "${label}" ${box.width}x${box.height}`;
  })"""


def accessibility_violations(page) -> list[str]:
    """axe-core's violations on the page as it is now, one line each."""
    results = _axe.run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]
    ]


def sideways_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def page_weight(page) -> int:
    return page.evaluate(PAGE_WEIGHT_SCRIPT)


def small_tap_targets(page) -> list[str]:
    return page.evaluate(SMALL_TARGETS_SCRIPT)


def check_page(page, name: str, screenshots: Path) -> None:
    """Assert the phone-size quality bars on the current page and screenshot it."""
    screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
    violations = accessibility_violations(page)
    assert violations == [], (name, violations)
    assert sideways_overflow(page) <= 0, name
    assert small_tap_targets(page) == [], name


def first_visit_weight(page, name: str) -> int:
    """Bytes over the wire to load the current URL in a new context with an empty cache
    (logged in as the page is), printed for the record."""
    context = page.context.browser.new_context(
        storage_state=page.context.storage_state(), viewport=page.viewport_size
    )
    try:
        fresh = context.new_page()
        fresh.goto(page.url)
        weight = page_weight(fresh)
    finally:
        context.close()
    print(f"page weight {name}: {weight} bytes on a first visit")
    return weight
