"""The Starlette app that Reflex mounts with ``api_transformer``: every non-Reflex route.

Each module listed here owns one concern and exposes ``routes``; tests can build this app
without Reflex and drive it over real HTTP.
"""

from __future__ import annotations

import importlib

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from checker_console.observability.logs import configure_logging
from checker_console.settings import get_settings
from checker_console.web.api_errors import ApiErrorsMiddleware
from checker_console.web.request_ids import RequestIdMiddleware
from checker_console.web.security import SecurityHeadersMiddleware, origin_of

ROUTE_MODULES = (
    "checker_console.web.health",
    "checker_console.web.intake",
    "checker_console.web.images",
    "checker_console.web.recorded_images",
    "checker_console.web.auth",
    "checker_console.web.oidc",
    "checker_console.web.metrics",
)


def collect_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for name in ROUTE_MODULES:
        routes.extend(importlib.import_module(name).routes)
    return routes


def build_api() -> Starlette:
    """Our routes, with security headers on every response (Reflex's pages included), and every
    path under ``/api/v1/`` answered by the API (``web/api_errors.py``), never the front end."""
    settings = get_settings()
    configure_logging(settings.log_format)
    security = Middleware(
        SecurityHeadersMiddleware,
        hsts=not settings.demo_mode,
        form_targets=[origin_of(settings.cis2_issuer) or ""],
        app_url=settings.app_url,
    )
    return Starlette(
        routes=collect_routes(),
        middleware=[Middleware(RequestIdMiddleware), security, Middleware(ApiErrorsMiddleware)],
    )
