"""What the browser-test console talks to: the NHS CIS2 stand-in, and nothing else outside.

The CIS2 stand-in runs in the test process on a free port and the console is started with
``CHECKER_CIS2_ISSUER`` pointing at it, so "Sign in with NHS CIS2" goes the whole way: the
console's redirect, the stand-in's person chooser, the code exchange with ``private_key_jwt``
(the stand-in fetches the console's key set from the console), and the callback. The console's
port is known only once it runs, so its redirect URI is registered then.

CIM and GOV.UK Notify point at a port nobody listens on: the test console must never reach a
demo's stand-ins running on the same machine, and a case sent to CIM stays "being created".
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from checker_console.commands.standin_cis2 import console_client
from checker_console.settings import load_settings
from checker_console.standins.cis2 import Cis2Standin
from checker_console.standins.cis2_server import RegisteredClient
from tests.support.cis2 import running_cis2


def unreachable_url() -> str:
    """An address on this machine where nothing listens (a port just freed by the OS)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@contextmanager
def cis2_for_console() -> Iterator[Cis2Standin]:
    """The stand-in, serving; it knows the console once :func:`register_console` is called."""
    not_yet = RegisteredClient(client_id=load_settings().cis2_client_id, redirect_uris=())
    with running_cis2(not_yet) as standin:
        yield standin


def console_environment(standin: Cis2Standin) -> dict[str, str]:
    nowhere = unreachable_url()
    return {
        "CHECKER_CIS2_ISSUER": standin.issuer,
        "CHECKER_CIM_BASE_URL": nowhere,
        "CHECKER_NOTIFY_BASE_URL": nowhere,
    }


def register_console(standin: Cis2Standin, console_url: str) -> None:
    """The console as CIS2 knows it: its redirect URI and key set at its real address."""
    standin.register_client(console_client(load_settings(), app_url=console_url))
