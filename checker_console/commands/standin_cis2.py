"""``checker-console standin-cis2``: run the NHS CIS2 sign-in stand-in as its own process.

The console is registered as its one client from the same settings the console reads
(CHECKER_APP_URL, CHECKER_CIS2_CLIENT_ID), so ``checker-console standin-cis2`` next to
``checker-console serve`` needs no options. Its signing key is kept in the data folder, so tokens
stay valid across restarts. Prints ``listening on URL`` once it accepts connections.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from urllib.parse import urlsplit

from checker_console.settings import Settings, get_settings
from checker_console.standins._serve import ServerThread, serve_forever
from checker_console.standins.cis2 import Cis2Standin, create_standin
from checker_console.standins.cis2_server import RegisteredClient
from checker_console.standins.cis2_users import DEMO_PEOPLE


def console_client(settings: Settings, *, app_url: str | None = None) -> RegisteredClient:
    """The console as CIS2 knows it: its redirect URI, key set URL and back-channel logout URL."""
    base = (app_url or settings.app_url).rstrip("/")
    return RegisteredClient(
        client_id=settings.cis2_client_id,
        redirect_uris=(f"{base}/auth/cis2/callback",),
        jwks_uri=f"{base}/.well-known/jwks.json",
        backchannel_logout_uri=f"{base}/auth/cis2/backchannel-logout",
    )


def configure(parser: argparse.ArgumentParser) -> None:
    settings = get_settings()
    issuer = urlsplit(settings.cis2_issuer)
    parser.add_argument("--host", default=issuer.hostname or "127.0.0.1", help="keep it local")
    parser.add_argument("--port", type=int, default=issuer.port or 8702, help="0 picks one")
    parser.add_argument(
        "--app-url", default=settings.app_url, help="where the console runs (CHECKER_APP_URL)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=settings.data_dir / "standins",
        help="where the stand-in keeps its signing key",
    )


def build(args: argparse.Namespace, settings: Settings, *, issuer: str) -> Cis2Standin:
    client = console_client(settings, app_url=args.app_url)
    return create_standin(client=client, data_dir=args.data_dir, issuer=issuer)


def start_in_thread(settings: Settings) -> ServerThread:
    """For ``checker-console demo``: the stand-in in a daemon thread, at CHECKER_CIS2_ISSUER."""
    issuer = urlsplit(settings.cis2_issuer)
    standin = create_standin(
        client=console_client(settings),
        data_dir=settings.data_dir / "standins",
        issuer=settings.cis2_issuer,
    )
    thread = ServerThread(
        standin.app(), host=issuer.hostname or "127.0.0.1", port=issuer.port or 80
    )
    return thread.start()


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if args.port == 0:
        raise SystemExit("Give a fixed --port: the console must know the issuer's URL in advance.")
    issuer = f"http://{args.host}:{args.port}"
    standin = build(args, settings, issuer=issuer)
    print("Demo people (choose one on the sign-in page):", flush=True)
    for person in DEMO_PEOPLE:
        print(f"  {person.username:<12} {person.name:<14} {person.summary}", flush=True)
    if issuer != settings.cis2_issuer.rstrip("/"):
        print(f"Set CHECKER_CIS2_ISSUER={issuer} for the console to use this stand-in.", flush=True)
    serve_forever(standin.app(), host=args.host, port=args.port)
    return 0
