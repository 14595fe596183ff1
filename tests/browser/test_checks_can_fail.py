"""The page checks themselves must be able to fail, or the journeys prove nothing."""

from tests.browser.checks import accessibility_violations, sideways_overflow, small_tap_targets

BAD_PAGE = """<!doctype html><html><head>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<div style="width: 900px">too wide</div>
<button style="height: 20px">tiny</button>
</body></html>"""


def test_checks_catch_a_bad_page(phone):
    phone.set_content(BAD_PAGE)
    violations = " ".join(accessibility_violations(phone))
    assert "image-alt" in violations
    assert "html-has-lang" in violations
    assert sideways_overflow(phone) > 0
    assert any("tiny" in target for target in small_tap_targets(phone))
