"""The CIS2 stand-in on real HTTP for tests, and a person choosing who to sign in as on its page.

``choose_person`` does what the person does in a browser: open the authorization URL, read the
page's form and press the button with their name. It returns the stand-in's redirect back to
the client (``code`` and ``state``, or ``error``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
from joserfc.jwk import RSAKey

from checker_console.standins._serve import ServerThread
from checker_console.standins.cis2 import Cis2Standin, create_standin
from checker_console.standins.cis2_server import RegisteredClient


@cache
def test_signing_key() -> RSAKey:
    """One RSA key for all the test stand-ins and clients of a run: making one takes a while."""
    return RSAKey.generate_key(2048, parameters={"use": "sig"}, private=True, auto_kid=True)


@contextmanager
def running_cis2(client: RegisteredClient) -> Iterator[Cis2Standin]:
    """A stand-in serving on a free port; ``.issuer`` is its URL."""
    standin = create_standin(client=client, signing_key=test_signing_key())
    thread = ServerThread(standin.app())
    standin.issuer = thread.url
    with thread:
        yield standin


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self.buttons: dict[str, str] = {}  # value -> visible text
        self._button: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = attributes.get("action", "")
        elif tag == "input" and attributes.get("type") == "hidden":
            self.fields[attributes["name"]] = attributes.get("value", "")
        elif tag == "button" and attributes.get("name") == "person":
            self._button = attributes.get("value", "")
            self.buttons[self._button] = ""

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self.buttons[self._button] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "button":
            self._button = None


def read_sign_in_page(html: str) -> _FormReader:
    reader = _FormReader()
    reader.feed(html)
    return reader


def choose_person(http: httpx.Client, authorize_url: str, username: str) -> httpx.Response:
    """Open the sign-in page and press "Sign in as ..." for ``username`` ("" cancels)."""
    page = http.get(authorize_url)
    assert page.status_code == 200, page.text
    form = read_sign_in_page(page.text)
    assert username in form.buttons, f"no button for {username!r} on the sign-in page"
    return http.post(urljoin(authorize_url, form.action), data={**form.fields, "person": username})


def redirect_params(response: httpx.Response) -> dict[str, str]:
    """The query of a redirect's Location, one value per name."""
    assert response.status_code in {302, 303}, (response.status_code, response.text)
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return {name: values[0] for name, values in query.items()}


def spoil_next_id_token(standin: Cis2Standin, fault: str) -> None:
    response = httpx.post(f"{standin.issuer}/_standin/faults", json={"id_token": fault})
    response.raise_for_status()
