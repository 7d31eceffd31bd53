"""The Starlette app that Reflex mounts with ``api_transformer``: every non-Reflex route.

Each module listed here owns one concern and exposes ``routes``; tests can build this app
without Reflex and drive it over real HTTP.
"""

from __future__ import annotations

import importlib

from starlette.applications import Starlette
from starlette.routing import BaseRoute

ROUTE_MODULES = (
    "checker_console.web.health",
    "checker_console.web.intake",
    "checker_console.web.images",
    "checker_console.web.auth",
)


def collect_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for name in ROUTE_MODULES:
        routes.extend(importlib.import_module(name).routes)
    return routes


def build_api() -> Starlette:
    return Starlette(routes=collect_routes())
