"""Start the CIM and Notify stand-ins inside the app's process (the embedded default).

The app (or ``checker-console demo``) calls :func:`start_downstream_standins` once at start-up;
each stand-in then listens on the port its base URL in the settings names, with its store under
``data/standins/``, exactly as ``checker-console standin-cim``/``standin-notify`` would.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from checker_console.settings import Settings
from checker_console.standins._serve import ServerThread
from checker_console.standins.cim import create_app as create_cim
from checker_console.standins.cim_store import CimStore
from checker_console.standins.faults import FaultConfig, FaultInjector
from checker_console.standins.notify import Mailbox
from checker_console.standins.notify import create_app as create_notify


def _address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", 80 if parts.port is None else parts.port


def start_downstream_standins(settings: Settings) -> list[ServerThread]:
    """CIM and Notify stand-ins on their configured addresses; call ``stop()`` on each to end."""
    faults = FaultConfig.from_dict(json.loads(settings.standin_faults or "{}"))
    folder = settings.data_dir / "standins"
    cim_host, cim_port = _address(settings.cim_base_url)
    notify_host, notify_port = _address(settings.notify_base_url)
    cim = create_cim(
        CimStore(folder / "cim.db"), api_key=settings.cim_api_key, faults=FaultInjector(faults)
    )
    notify = create_notify(
        Mailbox(folder / "notify.db"),
        api_key=settings.notify_api_key,
        settings=settings,
        faults=FaultInjector(faults),
    )
    return [
        ServerThread(cim, host=cim_host, port=cim_port).start(),
        ServerThread(notify, host=notify_host, port=notify_port).start(),
    ]
