"""Users, passwords, tokens and role checks.

Passwords are hashed with ``hashlib.scrypt`` (random salt); tokens are 32 random
bytes (``secrets.token_urlsafe``) stored as an HMAC-SHA256 keyed with the server
secret, so a stolen database holds no usable token.  Roles::

    coordinator   everything
    venue         its own venue: orders, delivery day, ETA, items (bound to venue_id)
    producer      its own producer: offers, crop plan (bound to producer_id)
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db.models import ProducerRow, TokenRow, UserRow, VenueRow
from territory.errors import InputError, Problem

__all__ = [
    "ROLES",
    "Principal",
    "PrincipalCache",
    "Role",
    "create_user",
    "hash_password",
    "hash_token",
    "issue_token",
    "principal_for_token",
    "verify_password",
]

Role = Literal["coordinator", "venue", "producer"]
ROLES: tuple[Role, ...] = ("coordinator", "venue", "producer")

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64) of a password."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash made by :func:`hash_password` (constant time)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    computed = hashlib.scrypt(
        password.encode(),
        salt=base64.b64decode(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=len(base64.b64decode(digest)),
    )
    return hmac.compare_digest(computed, base64.b64decode(digest))


def hash_token(token: str, secret: str) -> str:
    """The stored form of a token: HMAC-SHA256 keyed with the server secret (hex)."""
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who makes a request."""

    user_id: int
    username: str
    role: Role
    venue_id: str | None = None
    producer_id: str | None = None


def _principal(user: UserRow) -> Principal:
    return Principal(
        user.id,
        user.username,
        user.role,  # type: ignore[arg-type]
        user.venue_id,
        user.producer_id,
    )


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    venue_id: str | None = None,
    producer_id: str | None = None,
) -> UserRow:
    """Create an account.

    Raises
    ------
    InputError
        When the username is taken or empty, the password shorter than 8 characters,
        the role unknown, or the venue/producer binding missing, unknown or not allowed
        for the role (the field is named).
    """
    problems: list[Problem] = []
    if not username.strip():
        problems.append(Problem("", "a username is required", column="username"))
    elif session.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
        problems.append(Problem("", f"user {username} already exists", column="username"))
    if len(password) < 8:
        problems.append(Problem("", "at least 8 characters", column="password"))
    if role not in ROLES:
        problems.append(Problem("", f"{role} is not one of {', '.join(ROLES)}", column="role"))
    if role == "venue":
        if venue_id is None:
            problems.append(Problem("", "a venue account needs a venue", column="venue_id"))
        elif session.get(VenueRow, venue_id) is None:
            problems.append(Problem("", f"unknown venue {venue_id}", column="venue_id"))
    elif venue_id is not None:
        problems.append(Problem("", "only venue accounts have a venue", column="venue_id"))
    if role == "producer":
        if producer_id is None:
            problems.append(
                Problem("", "a producer account needs a producer", column="producer_id")
            )
        elif session.get(ProducerRow, producer_id) is None:
            problems.append(Problem("", f"unknown producer {producer_id}", column="producer_id"))
    elif producer_id is not None:
        problems.append(Problem("", "only producer accounts have a producer", column="producer_id"))
    if problems:
        raise InputError(problems)
    user = UserRow(
        username=username,
        password_hash=hash_password(password),
        role=role,
        venue_id=venue_id,
        producer_id=producer_id,
    )
    session.add(user)
    session.flush()
    return user


def issue_token(
    session: Session, user: UserRow, secret: str, ttl_h: float, *, now: dt.datetime
) -> str:
    """Create and store (hashed) a new token for ``user``, valid ``ttl_h`` hours from ``now``."""
    token = secrets.token_urlsafe(32)
    session.add(
        TokenRow(
            token_hash=hash_token(token, secret),
            user_id=user.id,
            created_at=now,
            expires_at=now + dt.timedelta(hours=ttl_h),
        )
    )
    return token


def principal_for_token(
    session: Session, token: str, secret: str, *, now: dt.datetime
) -> Principal | None:
    """The active user holding a ``token`` unexpired at ``now``, or ``None``."""
    row = session.scalar(select(TokenRow).where(TokenRow.token_hash == hash_token(token, secret)))
    if row is None or row.expires_at <= now or not row.user.active:
        return None
    return _principal(row.user)


class PrincipalCache:
    """Recently verified tokens -> principal, for ``ttl_s`` seconds (saves a query a request).

    A disabled account or an expired token is noticed at most ``ttl_s`` seconds late.
    Keys are the stored token hashes, never the tokens.
    """

    def __init__(self, ttl_s: float = 30.0, max_size: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.max_size = max_size
        self._items: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, token_hash: str) -> Principal | None:
        with self._lock:
            item = self._items.get(token_hash)
        if item is None or item[0] < time.monotonic():
            return None
        return item[1]

    def put(self, token_hash: str, principal: Principal) -> None:
        with self._lock:
            if len(self._items) >= self.max_size:
                self._items.clear()
            self._items[token_hash] = (time.monotonic() + self.ttl_s, principal)
