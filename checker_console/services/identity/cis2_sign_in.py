"""Sign-in with NHS CIS2 as a use case: a login transaction, then a session or a refusal.

:func:`begin_login` remembers the state, nonce and PKCE verifier of one authorization request;
:func:`take_login` hands them back exactly once (a replayed callback finds nothing), and only to
the browser that started it. :func:`complete_sign_in` turns a validated CIS2 identity into a
console session, or into a refusal the person can act on: a stronger way to sign in, or the
role they need. Every outcome is written to the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col

from checker_console.adapters.cis2 import Cis2Identity, LogoutNotice
from checker_console.clock import utcnow
from checker_console.domain.roles import (
    MalformedRoles,
    RolePolicy,
    assurance_level,
    console_roles_for,
    parse_nrbac_roles,
    required_roles_text,
    selected_role,
)
from checker_console.observability.metrics import SIGN_IN_REFUSALS
from checker_console.services.audit import append_audit
from checker_console.services.identity.sessions import create_session, end_sessions_for_sid
from checker_console.store.identity_models import LoginTransaction, UserSession

LOGIN_TTL = timedelta(minutes=10)


@dataclass(frozen=True)
class PendingLogin:
    state: str
    nonce: str
    code_verifier: str
    #: Goes into the starting browser's HttpOnly cookie; only its hash is stored.
    browser_key: str


@dataclass(frozen=True)
class SignedIn:
    cookie_value: str
    user_id: str
    display_name: str
    roles: list[str]


@dataclass(frozen=True)
class InsufficientAssurance:
    display_name: str
    level: int
    required: int


@dataclass(frozen=True)
class NoConsoleRole:
    display_name: str
    #: The role they chose in CIS2, as people read it ("RA Agent (R5090) at X26"), if any.
    selected: str | None
    #: One line per console role naming the codes that give it.
    needed: list[str]


SignInOutcome = SignedIn | InsufficientAssurance | NoConsoleRole


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def begin_login(session: Session, *, now: datetime | None = None) -> PendingLogin:
    when = now or utcnow()
    session.execute(delete(LoginTransaction).where(col(LoginTransaction.expires_at) < when))
    pending = PendingLogin(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),  # 86 characters, within PKCE's 43 to 128
        browser_key=secrets.token_urlsafe(32),
    )
    session.add(
        LoginTransaction(
            id=_digest(pending.state),
            browser_hash=_digest(pending.browser_key),
            nonce=pending.nonce,
            code_verifier=pending.code_verifier,
            created_at=when,
            expires_at=when + LOGIN_TTL,
        )
    )
    session.flush()
    return pending


def take_login(
    session: Session, *, state: str, browser_key: str | None, now: datetime | None = None
) -> PendingLogin | None:
    """The transaction for ``state``, deleted as it is read: None if unknown, used or expired.

    The delete's row count decides between two concurrent callbacks with the same state, so
    exactly one of them gets the transaction.
    """
    if not state:
        return None
    row = session.get(LoginTransaction, _digest(state))
    if row is None:
        return None
    deleted = session.execute(
        delete(LoginTransaction).where(col(LoginTransaction.id) == row.id)
    ).rowcount  # type: ignore[attr-defined]
    session.flush()
    same_browser = browser_key is not None and hmac.compare_digest(
        row.browser_hash, _digest(browser_key)
    )
    if deleted != 1 or not same_browser or row.expires_at <= (now or utcnow()):
        return None
    return PendingLogin(state, row.nonce, row.code_verifier, browser_key or "")


def complete_sign_in(
    session: Session,
    identity: Cis2Identity,
    *,
    policy: RolePolicy,
    min_assurance: int,
    now: datetime | None = None,
) -> SignInOutcome:
    """Check assurance, then the selected role; start a session only if both are enough."""
    level = assurance_level(identity.claims)
    audit: dict[str, Any] = {"aal": level, "selected_roleid": identity.selected_roleid}
    if level < min_assurance:
        _audit(session, identity.uid, "sign_in_refused", reason="assurance", **audit)
        return InsufficientAssurance(identity.display_name, level, min_assurance)
    try:
        roles = parse_nrbac_roles(identity.userinfo.get("nhsid_nrbac_roles"))
    except MalformedRoles as exc:  # a CIS2 fault: refuse, and leave the lead a trace
        roles, audit["malformed_roles"] = [], str(exc)
    chosen = selected_role(roles, identity.selected_roleid)
    console_roles = console_roles_for(chosen, policy)
    if not console_roles:
        _audit(session, identity.uid, "sign_in_refused", reason="no_console_role", **audit)
        described = None
        if chosen is not None:
            name = chosen.role_name.split(":")[-1].strip('"') or "a role"
            described = f"{name} ({chosen.role_code}) at {chosen.org_code or 'no organisation'}"
        return NoConsoleRole(identity.display_name, described, required_roles_text(policy))
    assert chosen is not None
    cookie_value, _ = create_session(
        session,
        user_id=identity.uid,
        display_name=identity.display_name,
        roles=console_roles,
        org_code=chosen.org_code or None,
        email=identity.email,
        sid=identity.sid,
        now=now,
    )
    _audit(
        session, identity.uid, "signed_in", roles=console_roles, org_code=chosen.org_code, **audit
    )
    return SignedIn(cookie_value, identity.uid, identity.display_name, console_roles)


def record_sign_in_failure(session: Session, *, reason: str, message: str) -> None:
    """A sign-in that failed before we knew who it was: forged or stale tokens, replays."""
    _audit(session, "cis2", "sign_in_refused", reason=reason, message=message[:300])


def end_sessions_for_logout(session: Session, notice: LogoutNotice) -> int:
    """CIS2 says a session ended: end ours for that CIS2 session, or for the user if no sid."""
    if notice.sid:
        ended = end_sessions_for_sid(session, notice.sid)
    else:
        ended = int(
            session.execute(
                update(UserSession)
                .where(col(UserSession.user_id) == notice.sub, col(UserSession.ended_at).is_(None))
                .values(ended_at=utcnow())
            ).rowcount  # type: ignore[attr-defined]
        )
    _audit(session, notice.sub or "cis2", "signed_out_by_cis2", sessions_ended=ended)
    return ended


def _audit(session: Session, actor: str, action: str, **detail: Any) -> None:
    if action == "sign_in_refused":
        SIGN_IN_REFUSALS.labels(str(detail.get("reason", "unknown"))[:32]).inc()
    append_audit(session, actor=actor[:64], action=action, detail=detail)
