"""Reflex settings for the checker console.

Nothing leaves the deployment unasked: telemetry off, no "Built with Reflex" badge, no sitemap.
The state manager is Reflex's disk manager (embedded default), or Redis when CHECKER_REDIS_URL
is set (scale mode: several server processes then share one team's state).
"""

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
