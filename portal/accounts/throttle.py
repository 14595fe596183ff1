"""Limits per account rather than per address, in the rate limiter's own storage.

Flask-Limiter counts requests per address; an attacker with many addresses needs a
count per account too. These use the same storage (memory, or Redis via REDIS_URL),
so every web process shares them when Redis is set. Keys are hashes: no email
address or username is written to Redis. The key is whatever was typed, so an
unknown account is counted like a real one and the answer never tells them apart.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from limits import RateLimitItem, parse_many

from portal.extensions import limiter


def _items(config_key: str) -> list[RateLimitItem]:
    return parse_many(current_app.config[config_key])


def _active() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED")) and limiter.initialized


def _key(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def is_throttled(kind: str, value: str, config_key: str) -> bool:
    """Whether `value` (an account or a typed login) has used up its tries."""
    if not _active():
        return False
    strategy = limiter.limiter
    return not all(strategy.test(item, "gt", kind, _key(value)) for item in _items(config_key))


def count_try(kind: str, value: str, config_key: str) -> bool:
    """Count one try; False if that went over a limit."""
    if not _active():
        return True
    strategy = limiter.limiter
    results = [strategy.hit(item, "gt", kind, _key(value)) for item in _items(config_key)]
    return all(results)


def forget_tries(kind: str, value: str, config_key: str) -> None:
    """Start counting afresh (after the owner proved who they are)."""
    if not _active():
        return
    strategy = limiter.limiter
    for item in _items(config_key):
        strategy.clear(item, "gt", kind, _key(value))
