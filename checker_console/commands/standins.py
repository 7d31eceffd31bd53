"""``checker-console standin-cim`` and ``standin-notify``: run a stand-in as its own process.

Each prints ``listening on URL`` once it accepts connections (``--port 0`` picks a free port), so
scripts and tests can start one and read where it is.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from urllib.parse import urlsplit

from checker_console.settings import Settings, get_settings
from checker_console.standins._serve import serve_forever
from checker_console.standins.faults import FaultConfig, FaultInjector


def _default_port(url: str) -> int:
    port = urlsplit(url).port
    return 80 if port is None else port


def configure(parser: argparse.ArgumentParser, name: str) -> None:
    settings = get_settings()
    is_cim = name == "standin-cim"
    base_url = settings.cim_base_url if is_cim else settings.notify_base_url
    store_name = "cim.db" if is_cim else "notify.db"
    parser.add_argument("--host", default="127.0.0.1", help="keep it local: admin routes are open")
    parser.add_argument("--port", type=int, default=_default_port(base_url), help="0 picks one")
    parser.add_argument(
        "--store",
        type=Path,
        default=settings.data_dir / "standins" / store_name,
        help="the stand-in's own SQLite file (kept between runs)",
    )
    parser.add_argument(
        "--faults",
        default=settings.standin_faults,
        help='JSON, e.g. \'{"fault_rate": 0.3, "latency_ms": 50}\' (CHECKER_STANDIN_FAULTS)',
    )
    parser.add_argument("--fault-rate", type=float, help="share of requests that fail, all kinds")
    parser.add_argument("--latency-ms", type=int, help="up to this much delay on each request")
    parser.add_argument("--hang-seconds", type=float, help="how long a 'timeout' holds a request")
    parser.add_argument("--seed", type=int, help="make the faults repeatable")


def fault_injector(args: argparse.Namespace) -> FaultInjector:
    """Faults from --faults JSON, then the single-value flags on top."""
    try:
        data = json.loads(args.faults) if args.faults else {}
    except json.JSONDecodeError as exc:
        raise SystemExit(f"--faults is not JSON ({exc}); e.g. '{{\"fault_rate\": 0.3}}'") from exc
    config = FaultConfig.from_dict(data)
    overrides = {
        "fault_rate": args.fault_rate,
        "latency_ms": args.latency_ms,
        "hang_seconds": args.hang_seconds,
    }
    chosen = {k: v for k, v in overrides.items() if v is not None}
    if chosen:
        config = FaultConfig.from_dict(chosen, config)
    return FaultInjector(config, seed=args.seed)


def build_app(args: argparse.Namespace, settings: Settings) -> object:
    faults = fault_injector(args)
    if args.command == "standin-cim":
        from checker_console.standins.cim import create_app as create_cim
        from checker_console.standins.cim_store import CimStore

        return create_cim(CimStore(args.store), api_key=settings.cim_api_key, faults=faults)
    from checker_console.standins.notify import Mailbox
    from checker_console.standins.notify import create_app as create_notify

    return create_notify(
        Mailbox(args.store), api_key=settings.notify_api_key, settings=settings, faults=faults
    )


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    serve_forever(build_app(args, settings), host=args.host, port=args.port)
    return 0
