"""Sign-in sessions: what a cookie proves, and for how long."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, event, text
from sqlmodel import Session, select

from checker_console.clock import utcnow
from checker_console.services.identity.sessions import (
    SESSION_COOKIE,
    SignedInUser,
    cookie_value_from_header,
    create_session,
    end_session,
    end_sessions_for_sid,
    may_view_case_images,
    resolve_session,
    resolve_session_for_event,
    session_cookie_is_secure,
)
from checker_console.settings import get_settings
from checker_console.store.identity_models import UserSession
from checker_console.store.models import AuditEvent


def _sign_in(session: Session, **overrides: object) -> tuple[str, UserSession]:
    fields: dict[str, object] = {
        "user_id": "checker.one",
        "display_name": "Sam Patel",
        "roles": ["checker"],
    }
    fields.update(overrides)
    cookie, row = create_session(session, **fields)  # type: ignore[arg-type]
    session.commit()
    return cookie, row


def test_a_new_session_resolves_to_the_person_who_signed_in(session: Session) -> None:
    cookie, _ = _sign_in(session, org_code="RX1", email="sam.patel@example.nhs.uk")

    user = resolve_session(session, cookie)

    assert user == SignedInUser(
        "checker.one", "Sam Patel", ["checker"], "RX1", email="sam.patel@example.nhs.uk"
    )


def test_only_a_hash_of_the_cookie_is_stored(session: Session) -> None:
    cookie, row = _sign_in(session)

    assert row.id == hashlib.sha256(cookie.encode()).hexdigest()
    assert session.get(UserSession, cookie) is None
    assert len(cookie) >= 40


def test_an_unknown_or_missing_cookie_resolves_to_nobody(session: Session) -> None:
    _sign_in(session)

    assert resolve_session(session, "made-up-value") is None
    assert resolve_session(session, None) is None
    assert resolve_session(session, "") is None


def test_a_session_left_idle_for_fifteen_minutes_has_ended(session: Session) -> None:
    start = utcnow()
    cookie, _ = _sign_in(session, now=start)

    assert resolve_session(session, cookie, now=start + timedelta(minutes=15)) is None


def test_activity_keeps_a_session_alive_past_the_idle_timeout(session: Session) -> None:
    start = utcnow()
    cookie, _ = _sign_in(session, now=start)

    for minutes in (10, 20, 30):
        assert resolve_session(session, cookie, now=start + timedelta(minutes=minutes))


def test_a_busy_page_writes_the_session_at_most_once_a_minute_and_never_keeps_it_longer(
    session: Session,
) -> None:
    """Every event asks who is signed in: a write each time made the session row the busiest
    in the database. Activity is recorded to the minute, so a session can end up to a minute
    early, never late."""
    start = utcnow()
    cookie, row = _sign_in(session, now=start)
    writes: list[object] = []
    event.listen(session, "after_flush", lambda *_: writes.append(1))

    for seconds in range(1, 60):
        assert resolve_session(session, cookie, now=start + timedelta(seconds=seconds))
    assert writes == []
    assert resolve_session(session, cookie, now=start + timedelta(seconds=61))
    session.commit()
    assert len(writes) == 1

    assert resolve_session(session, cookie, now=start + timedelta(seconds=61, minutes=15)) is None


def test_looking_without_touching_does_not_extend_the_session(session: Session) -> None:
    start = utcnow()
    cookie, _ = _sign_in(session, now=start)

    assert resolve_session(session, cookie, now=start + timedelta(minutes=10), touch=False)
    assert resolve_session(session, cookie, now=start + timedelta(minutes=16)) is None


def test_a_session_ends_after_twelve_hours_however_active(session: Session) -> None:
    start = utcnow()
    cookie, _ = _sign_in(session, now=start)
    moment = start
    while moment < start + timedelta(hours=11, minutes=50):
        moment += timedelta(minutes=10)
        assert resolve_session(session, cookie, now=moment), moment - start

    assert resolve_session(session, cookie, now=start + timedelta(hours=12)) is None


def test_the_idle_timeout_is_a_setting(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKER_SESSION_IDLE_MINUTES", "2")
    get_settings.cache_clear()
    try:
        start = utcnow()
        cookie, _ = _sign_in(session, now=start)
        assert resolve_session(session, cookie, now=start + timedelta(minutes=3)) is None
    finally:
        monkeypatch.delenv("CHECKER_SESSION_IDLE_MINUTES")
        get_settings.cache_clear()


def test_a_signed_out_session_no_longer_resolves_and_sign_out_is_audited(
    session: Session,
) -> None:
    cookie, _ = _sign_in(session)

    assert end_session(session, cookie) == "checker.one"
    session.commit()

    assert resolve_session(session, cookie) is None
    assert end_session(session, cookie) is None
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.actor == "checker.one")).all()
    assert actions == ["session.start", "session.end"]


def test_identity_provider_logout_ends_every_session_of_that_sign_in(session: Session) -> None:
    laptop, _ = _sign_in(session, sid="cis2-sid-1")
    tablet, _ = _sign_in(session, sid="cis2-sid-1")
    other, _ = _sign_in(session, user_id="lead.one", roles=["lead"], sid="cis2-sid-2")

    ended = end_sessions_for_sid(session, "cis2-sid-1")
    session.commit()

    assert ended == 2
    assert resolve_session(session, laptop) is None
    assert resolve_session(session, tablet) is None
    assert resolve_session(session, other) is not None
    assert end_sessions_for_sid(session, "cis2-sid-1") == 0


def test_the_session_cookie_is_found_among_other_cookies() -> None:
    header = f"theme=light; {SESSION_COOKIE}=abc-DEF_123; other=1"

    assert cookie_value_from_header(header) == "abc-DEF_123"
    assert cookie_value_from_header('odd="unterminated; cc_session=xyz') == "xyz"
    assert cookie_value_from_header("theme=light") is None
    assert cookie_value_from_header(None) is None


def test_the_cookie_is_secure_except_for_a_demo_over_plain_http() -> None:
    assert session_cookie_is_secure(demo_mode=True, scheme="http") is False
    assert session_cookie_is_secure(demo_mode=True, scheme="https") is True
    assert session_cookie_is_secure(demo_mode=False, scheme="http") is True


def test_leads_and_qa_may_view_any_case_but_a_checker_only_their_leased_case() -> None:
    now = utcnow()
    later = now + timedelta(minutes=5)
    checker = SignedInUser("checker.one", "Sam Patel", ["checker"])
    lead = SignedInUser("lead.one", "Jordan Lee", ["lead"])
    qa = SignedInUser("qa.one", "Priya Shah", ["qa"])
    nobody = SignedInUser("x", "No Role", [])

    assert may_view_case_images(lead, lease_holder=None, lease_expires_at=None, now=now)
    assert may_view_case_images(qa, lease_holder="checker.two", lease_expires_at=later, now=now)
    assert may_view_case_images(
        checker, lease_holder="checker.one", lease_expires_at=later, now=now
    )
    assert not may_view_case_images(
        checker, lease_holder="checker.two", lease_expires_at=later, now=now
    )
    assert not may_view_case_images(
        checker, lease_holder="checker.one", lease_expires_at=now - timedelta(seconds=1), now=now
    )
    assert not may_view_case_images(nobody, lease_holder="x", lease_expires_at=later, now=now)


def test_a_page_events_user_lookup_opens_no_transaction(engine: Engine) -> None:
    """Every page event looks its user up first: on PostgreSQL that is one round trip, with no
    BEGIN and COMMIT around it, and the lookup still keeps the session alive."""
    with Session(engine) as setup:
        cookie, _ = _sign_in(setup)
        setup.execute(
            text("UPDATE usersession SET last_seen_at = last_seen_at - interval '2 minutes'")
            if engine.dialect.name == "postgresql"
            else text("UPDATE usersession SET last_seen_at = datetime(last_seen_at, '-2 minutes')")
        )
        setup.commit()
        seen_before = setup.exec(select(UserSession.last_seen_at)).one()

    with Session(engine) as looking_up:
        user = resolve_session_for_event(looking_up, cookie)
        if engine.dialect.name == "postgresql":
            dbapi = looking_up.connection().connection.dbapi_connection
            assert dbapi is not None and dbapi.info.transaction_status == TransactionStatus.IDLE
        looking_up.commit()

    assert user is not None and user.user_id == "checker.one"
    with Session(engine) as after:
        assert after.exec(select(UserSession.last_seen_at)).one() > seen_before  # touched
