"""Throttling of repeated failed logins, per account and per (address, account) pair.

Counting per pair stops guessing at one account from one address; counting per account (with a
higher limit) stops guessing spread over many addresses, without letting one shared office
address (NAT) lock everyone out.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    return f"epb:login-fail:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _keys(ip: str | None, username: str) -> list[tuple[str, int]]:
    name = username.strip().lower()
    limit = settings.LOGIN_FAILURE_LIMIT
    return [(_key("pair", f"{ip}|{name}"), limit), (_key("user", name), limit * 3)]


def is_locked(ip: str | None, username: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(ip, username))


def record_failure(ip: str | None, username: str) -> bool:
    """Count a failure; True when this failure locks the account or pair."""
    locked = False
    for key, limit in _keys(ip, username):
        count = (cache.get(key) or 0) + 1
        cache.set(key, count, settings.LOGIN_LOCKOUT_SECONDS)
        locked = locked or count >= limit
    return locked


def clear(ip: str | None, username: str) -> None:
    cache.delete(_keys(ip, username)[0][0])
