"""Sign-in tables: server-side sessions and the login transactions of CIS2's OpenID flow.

Registered with the rest of the schema by ``store/models.py``; ``services/identity/`` uses them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from checker_console.clock import utcnow
from checker_console.store.types import UTCDateTime


def _when(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class UserSession(SQLModel, table=True):
    """A signed-in user's server-side session; the browser holds only a random cookie value."""

    id: str = Field(primary_key=True, max_length=64)  # sha256 of the cookie value
    user_id: str = Field(max_length=64, index=True)
    display_name: str = Field(max_length=200)
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    org_code: str | None = Field(default=None, max_length=16)
    #: From CIS2: a checker is never given an application made with this email.
    email: str | None = Field(default=None, max_length=254)
    sid: str | None = Field(default=None, max_length=128, index=True)
    created_at: datetime = _when(default_factory=utcnow)
    last_seen_at: datetime = _when(default_factory=utcnow)
    expires_at: datetime = _when()
    ended_at: datetime | None = _when(default=None)


class LoginTransaction(SQLModel, table=True):
    """A CIS2 sign-in in progress: the state, nonce and PKCE verifier of one authorization request.

    Kept on the server, not in a cookie, so that a transaction can be used exactly once: the
    callback deletes the row, and a replayed callback or ID token finds nothing to match.
    """

    id: str = Field(primary_key=True, max_length=64)  # sha256 of the state
    #: sha256 of a random value in the starting browser's cookie: another browser's callback fails.
    browser_hash: str = Field(max_length=64)
    nonce: str = Field(max_length=128)
    code_verifier: str = Field(max_length=128)
    created_at: datetime = _when(default_factory=utcnow)
    expires_at: datetime = _when(index=True)


#: A user's working identity in the console, stable across sessions (CIS2 ``uid`` or demo id).
ConsoleUserId = str
