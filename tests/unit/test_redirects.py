import pytest

from portal.redirects import safe_next_url


@pytest.mark.parametrize(
    "target",
    [
        "/c/sam/",
        "/c/sam/wiki/about-me?tab=history",
        "/account",
        "/c/sam/wiki/my%20health",
    ],
)
def test_paths_on_this_site_are_kept(target):
    assert safe_next_url(target) == target


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "////evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "http:evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/%2F/evil.example",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
        "/%252F%252Fevil.example",
        "%252F%252Fevil.example",
        "/\t/evil.example",
        "/%09/evil.example",
        "/\n/evil.example",
        "",
        None,
    ],
)
def test_targets_that_leave_the_site_are_refused(target):
    assert safe_next_url(target) is None
