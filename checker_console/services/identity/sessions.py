"""Server-side sign-in sessions: the browser holds only a random cookie value.

The demo sign-in and CIS2 sign-in both end in :func:`create_session`; every request and every
Reflex event handler turns the cookie back into a :class:`SignedInUser` with
:func:`resolve_session`, which enforces the idle and absolute timeouts. Only the SHA-256 of the
cookie value is stored, so a copy of the database cannot be replayed as a live session.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.cookies import CookieError, SimpleCookie

from sqlmodel import Session, col, select

from checker_console.clock import utcnow
from checker_console.domain.roles import CHECKER, LEAD, QA, ROLE_TITLES
from checker_console.services.audit import append_audit
from checker_console.store.identity_models import UserSession

SESSION_COOKIE = "cc_session"


@dataclass(frozen=True)
class SignedInUser:
    user_id: str
    display_name: str
    roles: list[str]
    org_code: str | None = None
    #: What conflicts of interest are checked against (services/queue/claims.py claim_next_case).
    email: str | None = None

    def has_any_role(self, roles: Iterable[str]) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def sees_every_case(self) -> bool:
        """Leads and QA reviewers may look at any case; a checker only at the one leased to them."""
        return self.has_any_role((LEAD, QA))

    @property
    def role_label(self) -> str:
        """The user's roles as the header shows them, e.g. "Team lead"."""
        return ", ".join(ROLE_TITLES.get(role, role) for role in self.roles) or "No console role"


@dataclass(frozen=True)
class DemoUser:
    user_id: str
    display_name: str
    role: str

    @property
    def email(self) -> str:
        return f"{self.user_id}@example.nhs.uk"


#: Synthetic people for the demo sign-in (only when settings.demo_mode is on).
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("checker.one", "Sam Patel", CHECKER),
    DemoUser("checker.two", "Alex Morgan", CHECKER),
    DemoUser("lead.one", "Jordan Lee", LEAD),
    DemoUser("qa.one", "Priya Shah", QA),
)


def demo_user(user_id: str) -> DemoUser | None:
    return next((user for user in DEMO_USERS if user.user_id == user_id), None)


def session_timeouts() -> tuple[timedelta, timedelta]:
    """(idle, absolute) from the settings: 15 minutes and 12 hours unless configured."""
    from checker_console.settings import get_settings

    settings = get_settings()
    return (
        timedelta(minutes=settings.session_idle_minutes),
        timedelta(hours=settings.session_max_hours),
    )


def _digest(cookie_value: str) -> str:
    return hashlib.sha256(cookie_value.encode()).hexdigest()


def create_session(
    session: Session,
    *,
    user_id: str,
    display_name: str,
    roles: list[str],
    org_code: str | None = None,
    email: str | None = None,
    sid: str | None = None,
    now: datetime | None = None,
) -> tuple[str, UserSession]:
    """Start a session; returns the cookie value (shown once, never stored) and its row."""
    when = now or utcnow()
    _, absolute = session_timeouts()
    cookie_value = secrets.token_urlsafe(32)
    row = UserSession(
        id=_digest(cookie_value),
        user_id=user_id,
        display_name=display_name,
        roles=list(roles),
        org_code=org_code,
        email=email,
        sid=sid,
        created_at=when,
        last_seen_at=when,
        expires_at=when + absolute,
    )
    session.add(row)
    session.flush()
    append_audit(
        session,
        actor=user_id,
        action="session.start",
        occurred_at=when,
        detail={"roles": list(roles), "org_code": org_code},
    )
    return cookie_value, row


#: ``last_seen_at`` is written at most this often. Every event of every page asks who is
#: signed in; writing (and waiting for the disk) each time made the session row the busiest in
#: the database. The idle timeout can end a session up to this much early, never late.
TOUCH_EVERY = timedelta(seconds=60)


def resolve_session(
    session: Session,
    cookie_value: str | None,
    *,
    now: datetime | None = None,
    touch: bool = True,
) -> SignedInUser | None:
    """The user behind a cookie, or None if it is unknown, ended, idle too long or too old."""
    if not cookie_value:
        return None
    row = session.get(UserSession, _digest(cookie_value))
    when = now or utcnow()
    if row is None or not _is_live(row, when):
        return None
    if touch and when - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = when
        session.add(row)
        session.flush()
    return SignedInUser(
        user_id=row.user_id,
        display_name=row.display_name,
        roles=list(row.roles),
        org_code=row.org_code,
        email=row.email,
    )


def resolve_session_for_event(
    session: Session, cookie_value: str | None, *, touch: bool = True
) -> SignedInUser | None:
    """``resolve_session`` for a page event, in a unit of work of its own.

    On PostgreSQL its read (and the once-a-minute touch) run in autocommit: every page event
    starts here, and without a transaction around them looking the user up costs one round
    trip instead of three (BEGIN, SELECT, COMMIT).
    """
    if not session.in_transaction() and session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return resolve_session(session, cookie_value, touch=touch)


def end_session(
    session: Session, cookie_value: str | None, *, now: datetime | None = None
) -> str | None:
    """End the session behind a cookie (sign-out): whose it was, or None if none was live."""
    if not cookie_value:
        return None
    row = session.get(UserSession, _digest(cookie_value))
    if row is None or row.ended_at is not None:
        return None
    _end(session, row, now or utcnow(), reason="sign_out")
    return row.user_id


def users_of_sid(session: Session, sid: str) -> list[str]:
    """Who is signed in through one identity-provider session (a back-channel logout names it)."""
    return list(
        session.exec(
            select(UserSession.user_id)
            .where(col(UserSession.sid) == sid, col(UserSession.ended_at).is_(None))
            .distinct()
        ).all()
    )


def is_signed_in_anywhere(session: Session, user_id: str, *, now: datetime | None = None) -> bool:
    """Whether the user still has a live session, on this device or another."""
    when = now or utcnow()
    rows = session.exec(
        select(UserSession).where(
            col(UserSession.user_id) == user_id,
            col(UserSession.ended_at).is_(None),
            col(UserSession.expires_at) > when,  # at most a day's sessions to look at
        )
    ).all()
    return any(_is_live(row, when) for row in rows)


def _is_live(row: UserSession, when: datetime) -> bool:
    """Not ended, not past its absolute end, not idle too long: the one rule for a session."""
    idle, _ = session_timeouts()
    return row.ended_at is None and when < row.expires_at and when - row.last_seen_at < idle


def end_sessions_for_sid(session: Session, sid: str, *, now: datetime | None = None) -> int:
    """End every live session of one identity-provider session (back-channel logout)."""
    rows = session.exec(
        select(UserSession).where(col(UserSession.sid) == sid, col(UserSession.ended_at).is_(None))
    ).all()
    when = now or utcnow()
    for row in rows:
        _end(session, row, when, reason="identity_provider_logout")
    return len(rows)


def _end(session: Session, row: UserSession, when: datetime, *, reason: str) -> None:
    row.ended_at = when
    session.add(row)
    session.flush()
    append_audit(
        session,
        actor=row.user_id,
        action="session.end",
        occurred_at=when,
        detail={"reason": reason},
    )


def cookie_value_from_header(cookie_header: str | None) -> str | None:
    """The session cookie's value from a raw ``Cookie`` header (as Reflex's router sees it)."""
    if not cookie_header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except CookieError:
        return _scan_cookie_header(cookie_header)
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel and morsel.value else _scan_cookie_header(cookie_header)


def _scan_cookie_header(cookie_header: str) -> str | None:
    """SimpleCookie gives up on a whole header for one odd cookie; read ours by hand then."""
    for part in cookie_header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE and value:
            return value
    return None


def session_cookie_is_secure(*, demo_mode: bool, scheme: str) -> bool:
    """Secure everywhere except a demo served over plain http (a laptop on localhost)."""
    return not (demo_mode and scheme == "http")


def may_view_case_images(
    user: SignedInUser,
    *,
    lease_holder: str | None,
    lease_expires_at: datetime | None,
    now: datetime | None = None,
) -> bool:
    """Identity images: leads and QA see any case; a checker only a case leased to them now."""
    if user.sees_every_case:
        return True
    if CHECKER not in user.roles:
        return False
    when = now or utcnow()
    return lease_holder == user.user_id and lease_expires_at is not None and lease_expires_at > when


def display_names(session: Session, user_ids: Iterable[str | None]) -> dict[str, str]:
    """The name each user last signed in with, for pages that show who holds or referred a case.

    A CIS2 user id is a 12-digit number; a lead reading the queue wants "Sam Patel". Someone who
    never signed in here (a system actor, a bench id) is left out: callers show the id instead.
    """
    wanted = {user_id for user_id in user_ids if user_id}
    if not wanted:
        return {}
    rows = session.exec(
        select(UserSession.user_id, UserSession.display_name)
        .where(col(UserSession.user_id).in_(wanted))
        .order_by(col(UserSession.created_at))
    ).all()
    return dict(rows)  # the newest session's name wins


def name_or_id(names: dict[str, str], user_id: str | None) -> str | None:
    """How a page names ``user_id``: from :func:`display_names`, else the id itself."""
    return names.get(user_id, user_id) if user_id else None
