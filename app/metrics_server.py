"""``digestbot run``'s optional HTTP endpoint: ``/healthz`` and Prometheus ``/metrics``.

Off unless ``[metrics] enabled = true``; bound to ``metrics.host`` (127.0.0.1 by default:
the endpoint has no authentication, and the metrics say how the service is doing). It runs
in the service's own event loop (uvicorn, starlette), and leaves SIGINT/SIGTERM to the
service, which stops it with everything else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Generator, Mapping

import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.config import MetricsConfig
from bot.metrics import REGISTRY

log = logging.getLogger(__name__)

Health = Callable[[], Mapping[str, object]]
"""What ``/healthz`` shows; ``status`` other than ``ok`` answers 503."""


def metrics_app(health: Health) -> Starlette:
    async def healthz(request: Request) -> Response:
        state = dict(health())
        return JSONResponse(state, status_code=200 if state.get("status") == "ok" else 503)

    async def metrics(request: Request) -> Response:
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return Starlette(
        routes=[Route("/healthz", healthz, methods=["GET"]), Route("/metrics", metrics)]
    )


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield  # the service handles SIGINT/SIGTERM (and stops this server) itself


class MetricsServer:
    def __init__(self, config: MetricsConfig, health: Health) -> None:
        self._server = _Server(
            uvicorn.Config(
                metrics_app(health),
                host=config.host,
                port=config.port,
                log_level="warning",
                lifespan="off",
                access_log=False,
            )
        )
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The port it listens on (the one the OS chose for ``port = 0``)."""
        sockets = self._server.servers[0].sockets
        return int(sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():  # e.g. the port is taken: uvicorn logged why
                self._task.result()
                raise OSError("the metrics endpoint could not start (see the error above)")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None


async def start_metrics(config: MetricsConfig, health: Health) -> MetricsServer | None:
    """The endpoint, listening, when ``[metrics] enabled``; None otherwise. A port that
    cannot be bound is logged, and the service runs on without it."""
    if not config.enabled:
        return None
    server = MetricsServer(config, health)
    try:
        await server.start()
    except (OSError, SystemExit) as exc:  # uvicorn exits on a bind failure
        log.error(
            "metrics endpoint not started on %s:%s: %s", config.host, config.port, exc or "failed"
        )
        return None
    shown = f"[{config.host}]" if ":" in config.host else config.host
    log.info(
        "metrics on http://%s:%s/metrics (health: /healthz)",
        shown,
        server.port,
        extra={"host": config.host, "port": server.port},
    )
    return server
