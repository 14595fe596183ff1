import pytest

from portal.accounts.passwords import WeakPassword, check_new_password


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1", "at least 8"),
        ("x" * 129, "at most 128"),
        ("password1", "too common"),
        ("Qwerty123", "too common"),
        ("iloveyou", "too common"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, reason):
    with pytest.raises(WeakPassword, match=reason):
        check_new_password(password)


def test_a_password_equal_to_the_login_is_refused():
    with pytest.raises(WeakPassword, match="email address or username"):
        check_new_password("Priya.Shah@Example.org", avoid=("priya.shah@example.org", None))


@pytest.mark.parametrize("password", ["correct horse battery", "x" * 8, "é" * 128])
def test_reasonable_passwords_pass(password):
    check_new_password(password)
