import pytest

from tests.conftest import log_in


@pytest.mark.parametrize("path", ["/login", "/c/sam/", "/no-such-page", "/healthz"])
def test_every_response_has_the_security_headers(client, demo, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_with_child_data_are_not_cached(client, demo):
    log_in(client, "parent@demo.test")
    assert client.get("/c/sam/").headers["Cache-Control"] == "no-store"


def test_the_session_cookie_is_httponly_and_samesite(client, demo):
    response = log_in(client, "parent@demo.test")
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and "gt_session" in v)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_templates_hold_no_inline_script_or_style(client, demo):
    log_in(client, "parent@demo.test")
    for path in ("/", "/c/sam/", "/account"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page and "<style" not in page and " style=" not in page


@pytest.mark.parametrize(
    ("path", "status"), [("/c/%00/", 404), ("/c/sam/wiki/a%00b", 404), ("/c/sam/search?q=%00", 400)]
)
def test_a_nul_character_in_the_address_is_refused_cleanly(client, demo, path, status):
    log_in(client, "parent@demo.test")
    assert client.get(path).status_code == status


def test_a_nul_character_in_the_login_is_just_a_failed_login(client, demo):
    assert log_in(client, "parent@demo.test\x00", "wrong").status_code == 401
