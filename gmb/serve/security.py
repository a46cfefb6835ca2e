"""Keys, join codes and rate limits.

A key is ``<id>.<secret>``: the id selects the stored row, the secret is only
ever stored as its SHA-256 hash and compared in constant time
(:func:`hmac.compare_digest`). Join codes are short (6 characters without
look-alikes such as 0/O, 1/I) because people type them from a projector.

>>> key, row = new_key("demo", "participant", "w1")
>>> check_secret(key, row)
True
>>> check_secret(key[:-1] + ("A" if key[-1] != "A" else "B"), row)
False
>>> len(new_join_code()), normalise_join_code(" abc-234 ")
(6, 'ABC234')
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from gmb.errors import AccessError
from gmb.serve.db import TokenRow

__all__ = [
    "ROLES",
    "Limits",
    "NotAuthenticated",
    "RateLimited",
    "TokenBuckets",
    "check_secret",
    "hash_secret",
    "new_join_code",
    "new_key",
    "normalise_join_code",
    "split_key",
]

ROLES = ("facilitator", "participant", "viewer")
JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JOIN_LENGTH = 6
MIN_JOIN_LENGTH, MAX_JOIN_LENGTH = 6, 12
_DUMMY_HASH = hashlib.sha256(b"no such key").hexdigest()


class NotAuthenticated(AccessError):
    """No key, or a key the server does not know (HTTP 401)."""


class RateLimited(AccessError):
    """Too many requests from one key or address (HTTP 429); ``retry_after`` in seconds."""

    def __init__(self, message: str, *, retry_after: float = 1.0, **kw) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kw)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_key(session_id: str, role: str, participant: str | None) -> tuple[str, TokenRow]:
    """A fresh key for ``role`` in a session, and the row to store (which holds no secret)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    key_id, secret = secrets.token_urlsafe(12), secrets.token_urlsafe(32)
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    return f"{key_id}.{secret}", TokenRow(key_id, hash_secret(secret), session_id, role, participant, created)


def split_key(key: str) -> tuple[str, str] | None:
    """``(id, secret)`` of a well-formed key, else None."""
    key_id, sep, secret = key.strip().partition(".")
    if not sep or not key_id or not secret or len(key) > 200:
        return None
    return key_id, secret


def check_secret(key: str, row: TokenRow | None) -> bool:
    """Whether ``key`` matches ``row``; the same work is done when the row is missing."""
    parts = split_key(key)
    computed = hash_secret(parts[1] if parts else key)
    stored = row.secret_hash if row is not None else _DUMMY_HASH
    same = hmac.compare_digest(computed.encode(), stored.encode())
    return same and row is not None and parts is not None and parts[0] == row.id


def new_join_code(length: int = JOIN_LENGTH) -> str:
    """A random join code of ``length`` characters (6 for a workshop; longer for a session open for days)."""
    if not MIN_JOIN_LENGTH <= length <= MAX_JOIN_LENGTH:
        raise ValueError(f"a join code has {MIN_JOIN_LENGTH} to {MAX_JOIN_LENGTH} characters")
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(length))


def normalise_join_code(text: str) -> str:
    """Upper case without spaces or dashes: people type ``abc-234``."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[:32]


@dataclass(frozen=True)
class Limits:
    """Token-bucket sizes (burst) and refill rates (per second).

    ``write``/``read`` are per key; ``anonymous`` is per client address and
    covers joining, creating sessions and every failed authentication; ``guess`` counts wrong
    join codes from every address together, so guessing is slow however many addresses an attacker
    has (32^6 ≈ 10^9 codes at 1 wrong guess a second: 17 years on average to hit one session's code;
    with ``gmb serve --code-length 8`` ≈ 17,000 years).
    """

    write_burst: float = 30
    write_rate: float = 5.0
    read_burst: float = 120
    read_rate: float = 20.0
    anonymous_burst: float = 60  # a whole class joining at once from one school network
    anonymous_rate: float = 2.0
    #: wrong join codes from all addresses together: guessing from many addresses is as slow as from one.
    #: When these run out, every join waits a moment (a real participant just tries again).
    guess_burst: float = 30
    guess_rate: float = 1.0


class TokenBuckets:
    """Thread-safe token buckets keyed by any string.

    >>> b = TokenBuckets()
    >>> [b.take("k", burst=2, rate=0.001) for _ in range(3)]
    [0.0, 0.0, 1000.0]
    """

    MAX_KEYS = 50_000

    def __init__(self) -> None:
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def wait(self, key: str, *, burst: float, rate: float, cost: float = 1.0) -> float:
        """Seconds until ``cost`` could be taken from bucket ``key`` (0.0: now), taking nothing."""
        t = time.monotonic()
        with self._lock:
            tokens, last = self._state.get(key, (burst, t))
        tokens = min(burst, tokens + (t - last) * rate)
        return 0.0 if tokens >= cost else round((cost - tokens) / rate, 3)

    def take(self, key: str, *, burst: float, rate: float, cost: float = 1.0) -> float:
        """Take ``cost`` from bucket ``key``: 0.0 if allowed, else the seconds until it would be."""
        t = time.monotonic()
        with self._lock:
            tokens, last = self._state.get(key, (burst, t))
            tokens = min(burst, tokens + (t - last) * rate)
            if tokens >= cost:
                self._state[key] = (tokens - cost, t)
                return 0.0
            self._state[key] = (tokens, t)
            if len(self._state) > self.MAX_KEYS:  # forget full buckets: they behave like new ones
                self._state = {k: v for k, v in self._state.items() if v[0] < burst}
            return round((cost - tokens) / rate, 3)
