import pytest

from tests.conftest import log_in


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
def test_too_many_login_attempts_get_a_calm_429_even_with_the_right_password(client, demo):
    statuses = [log_in(client, "parent@demo.test", "wrong-guess").status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    response = log_in(client, "parent@demo.test")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many tries" in page
    assert "wait a minute" in page
    assert client.get("/c/sam/").status_code == 302  # still not logged in
