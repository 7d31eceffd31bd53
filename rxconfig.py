"""Reflex settings for the checker console.

Nothing leaves the deployment unasked: telemetry off, no "Built with Reflex" badge, no sitemap.
The state manager is Reflex's disk manager (embedded default), or Redis when CHECKER_REDIS_URL
is set (scale mode: several server processes then share one team's state).
"""

import functools
import os
from urllib.parse import urlsplit

import reflex as rx


def _allowed_origins(app_url: str) -> list[str]:
    """The console's own origin, under both loopback names when it runs on this machine."""
    parts = urlsplit(app_url)
    origins = {f"{parts.scheme}://{parts.netloc}"}
    if parts.hostname in {"localhost", "127.0.0.1"}:
        port = f":{parts.port}" if parts.port else ""
        origins |= {f"{parts.scheme}://localhost{port}", f"{parts.scheme}://127.0.0.1{port}"}
    return sorted(origins)


def _respawn_failed_granian_workers() -> None:
    """Granian stops the whole server when one worker process dies, unless it is asked to start
    a new one; Reflex 0.10.1 does not ask. With several workers, one crash must cost only the
    websockets on that worker (their pages reconnect to the others and rebuild from the
    database), so ask for it here, where the serving process reads its configuration."""
    try:
        from granian.server import common
    except ImportError:  # another server (uvicorn, gunicorn) is in use
        return
    original = common.AbstractServer.__init__
    if getattr(original, "respawns_failed_workers", False):
        return

    @functools.wraps(original)
    def init(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        kwargs.setdefault("respawn_failed_workers", True)
        original(self, *args, **kwargs)

    init.respawns_failed_workers = True  # type: ignore[attr-defined]
    common.AbstractServer.__init__ = init


_respawn_failed_granian_workers()
_redis_url = os.environ.get("CHECKER_REDIS_URL") or None

config = rx.Config(
    app_name="checker_console",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    state_manager_mode="redis" if _redis_url else "disk",
    redis_url=_redis_url,
    cors_allowed_origins=_allowed_origins(
        os.environ.get("CHECKER_APP_URL", "http://localhost:3000")
    ),
    disable_plugins=[rx.plugins.SitemapPlugin],
    default_color_mode="light",
)
