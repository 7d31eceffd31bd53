"""The Notify stand-in, driven by the official notifications-python-client over real HTTP."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError

from checker_console.adapters.notify import Email, NotifyClient, NotifyRefused
from checker_console.settings import Settings, load_settings
from checker_console.standins.faults import Fault
from tests.standins.support import RunningNotify, running_notify

OTHER_KEY = "someone_else-7c6c8e0a-2a1b-4d8e-9f3c-0d5b1c2e3f40-00000000-0000-4000-8000-000000000000"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return replace(load_settings(), data_dir=tmp_path)


@pytest.fixture
def notify(settings: Settings):
    with running_notify(settings) as running:
        yield running


def uuid_email(settings: Settings, reference: str = "notify_profile_created:1") -> Email:
    return Email(
        to="mary.seacole@example.org",
        template_id=settings.notify_template_profile_created,
        personalisation={"given_name": "Mary", "uuid": "555123456789", "organisation_name": "RX"},
        reference=reference,
    )


def test_the_official_client_sends_and_the_mailbox_shows_the_rendered_email(
    notify: RunningNotify, settings: Settings
) -> None:
    client = NotificationsAPIClient(settings.notify_api_key, base_url=notify.url)

    answer = client.send_email_notification(
        email_address="mary.seacole@example.org",
        template_id=settings.notify_template_profile_created,
        personalisation={"given_name": "Mary", "uuid": "555123456789", "organisation_name": "RX"},
        reference="ref-1",
    )

    [email] = notify.mailbox.find()
    assert answer["id"] == email["id"]
    assert email["email_address"] == "mary.seacole@example.org"
    assert "Your UUID is: 555123456789" in email["body"]
    assert client.get_all_notifications(reference="ref-1")["notifications"][0]["id"] == answer["id"]


def test_a_token_signed_with_another_secret_is_refused(notify: RunningNotify) -> None:
    client = NotificationsAPIClient(OTHER_KEY, base_url=notify.url)

    with pytest.raises(HTTPError) as raised:
        client.get_all_notifications()

    assert raised.value.status_code == 403


def test_a_missing_placeholder_is_refused_and_nothing_is_sent(
    notify: RunningNotify, settings: Settings
) -> None:
    client = NotifyClient(base_url=notify.url, api_key=settings.notify_api_key, retries=1)
    email = replace(uuid_email(settings), personalisation={"given_name": "Mary"})

    with pytest.raises(NotifyRefused, match="Missing personalisation: organisation_name, uuid"):
        client.send_email_once(email, maybe_sent_before=False)

    assert notify.mailbox.find() == []


def test_a_lost_answer_is_not_followed_by_a_second_email(
    notify: RunningNotify, settings: Settings
) -> None:
    client = NotifyClient(
        base_url=notify.url, api_key=settings.notify_api_key, retries=2, backoff_s=0.01
    )
    notify.faults.script(Fault.LOST_RESPONSE)

    sent = client.send_email_once(uuid_email(settings), maybe_sent_before=False)

    assert sent.already_sent
    assert [c.outcome for c in sent.calls] == ["unavailable", "already_sent"]
    assert len(notify.mailbox.find(reference="notify_profile_created:1")) == 1


def test_the_standin_delivers_a_repeated_reference_twice_like_notify(
    notify: RunningNotify, settings: Settings
) -> None:
    client = NotifyClient(base_url=notify.url, api_key=settings.notify_api_key)

    client.send_email_once(uuid_email(settings), maybe_sent_before=False)
    client.send_email_once(uuid_email(settings), maybe_sent_before=False)
    again = client.send_email_once(uuid_email(settings), maybe_sent_before=True)

    assert again.already_sent
    assert len(notify.mailbox.find(reference="notify_profile_created:1")) == 2


def test_the_notify_stand_in_s_root_page_is_its_mailbox_counting_in_plain_english(
    notify: RunningNotify, settings: Settings
) -> None:
    client = NotificationsAPIClient(settings.notify_api_key, base_url=notify.url)
    client.send_email_notification(
        email_address="mary.seacole@example.org",
        template_id=settings.notify_template_profile_created,
        personalisation={"given_name": "Mary", "uuid": "555123456789", "organisation_name": "RX"},
        reference="ref-root",
    )

    page = httpx.get(f"{notify.url}/")

    assert page.status_code == 200
    assert "mailbox (1 email)" in page.text
    assert "Your UUID is: 555123456789" in page.text
