"""The code checks behind staff two-step login, without an app or a database."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from types import SimpleNamespace
from urllib.parse import unquote

import pytest

from portal.accounts.two_factor import (
    RECOVERY_ALPHABET,
    hash_recovery_code,
    looks_like_app_code,
    make_recovery_codes,
    matching_step,
    new_secret,
    normalise_code,
    qr_data_uri,
    spaced_secret,
)

# RFC 6238, appendix B: the SHA-1 key "12345678901234567890"; the 6-digit codes are the
# last six digits of the 8-digit ones the RFC lists.
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
RFC_VECTORS = [
    (59, "287082"),
    (1111111109, "081804"),
    (1111111111, "050471"),
    (1234567890, "005924"),
    (2000000000, "279037"),
]


@pytest.mark.parametrize(("at", "code"), RFC_VECTORS)
def test_the_rfc_6238_test_vectors_match(at, code):
    assert matching_step(RFC_SECRET, code, at, window=0) == at // 30


def test_a_datetime_works_like_a_timestamp():
    at = datetime.fromtimestamp(1111111109, UTC)
    assert matching_step(RFC_SECRET, "081804", at, window=0) == 1111111109 // 30


def test_one_step_of_clock_drift_either_way_is_allowed_and_no_more():
    at = 1111111109  # its code is 081804, in step 37037036
    step = at // 30
    assert matching_step(RFC_SECRET, "081804", at + 30) == step
    assert matching_step(RFC_SECRET, "081804", at - 30) == step
    assert matching_step(RFC_SECRET, "081804", at + 60) is None
    assert matching_step(RFC_SECRET, "081804", at - 60) is None


@pytest.mark.parametrize("typed", ["081 804", " 081-804 ", "081804\n"])
def test_spaces_and_dashes_are_ignored(typed):
    assert matching_step(RFC_SECRET, typed, 1111111109, window=0) is not None


@pytest.mark.parametrize("typed", ["", "81804", "0818040", "o81804", "０８１８０４", "081804a"])
def test_anything_but_six_digits_is_refused(typed):
    assert matching_step(RFC_SECRET, typed, 1111111109) is None


def test_a_wrong_code_is_refused():
    assert matching_step(RFC_SECRET, "081805", 1111111109) is None


def test_looks_like_an_app_code_only_for_six_ascii_digits():
    assert looks_like_app_code("123456")
    assert not looks_like_app_code("12345")
    assert not looks_like_app_code("١٢٣٤٥٦")  # Arabic-Indic digits are digits, but not ours


def test_new_secrets_are_random_160_bit_base32():
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert re.fullmatch(r"[A-Z2-7]{32}", secret)
        assert len(base64.b32decode(secret)) == 20


def test_recovery_codes_are_ten_different_unambiguous_codes():
    codes = make_recovery_codes()
    assert len(codes) == len(set(codes)) == 10
    for code in codes:
        assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", code)
        assert not set(code.replace("-", "")) - set(RECOVERY_ALPHABET)
    assert not set("01ilo") & set(RECOVERY_ALPHABET)
    assert make_recovery_codes() != codes


def test_a_recovery_code_hash_ignores_case_spaces_and_dashes():
    assert hash_recovery_code("abcd-efgh-jkmn") == hash_recovery_code(" ABCD EFGH JKMN ")
    assert hash_recovery_code("abcd-efgh-jkmn") != hash_recovery_code("abcd-efgh-jkmp")
    assert re.fullmatch(r"[0-9a-f]{64}", hash_recovery_code("abcd-efgh-jkmn"))
    assert normalise_code(" Ab-C d ") == "abcd"


def test_the_secret_is_shown_in_groups_of_four():
    assert spaced_secret("ABCDEFGHIJKLMNOP") == "ABCD EFGH IJKL MNOP"


def test_the_qr_code_is_an_svg_data_uri_of_the_set_up_address():
    user = SimpleNamespace(id=7, email="caseworker@demo.test", username=None)
    uri = qr_data_uri(user, RFC_SECRET)
    assert uri.startswith("data:image/svg+xml")
    svg = unquote(uri.split(",", 1)[1])
    assert svg.startswith("<svg") and "<script" not in svg and "style" not in svg
