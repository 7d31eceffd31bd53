"""``GET /metrics``: Prometheus metrics, for the monitoring system only.

Not public: the caller's address must be in ``CHECKER_METRICS_ALLOW`` (networks, default this
machine only), or it must send ``Authorization: Bearer <CHECKER_METRICS_TOKEN>``. Behind a load
balancer, scrape each process on its own address rather than through the balancer.
"""

from __future__ import annotations

import hmac
import ipaddress

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from checker_console.observability.metrics import render_metrics
from checker_console.settings import Settings, get_settings


def may_read_metrics(request: Request, settings: Settings) -> bool:
    if settings.metrics_token:
        given = request.headers.get("authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {settings.metrics_token}".encode()):
            return True
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    for allowed in settings.metrics_allow:
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


async def metrics(request: Request) -> Response:
    if not may_read_metrics(request, get_settings()):
        return JSONResponse(
            {
                "error": "Metrics are for the monitoring system: scrape from an address in "
                "CHECKER_METRICS_ALLOW or send the CHECKER_METRICS_TOKEN bearer token."
            },
            status_code=403,
            headers={"Cache-Control": "no-store"},
        )
    body = await run_in_threadpool(render_metrics)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


routes = [Route("/metrics", metrics, methods=["GET"])]
