"""Every Prometheus metric the service exports, defined once (``prometheus-client``).

The places that count call these with one line each: fetches by outcome
(:meth:`bot.fetch.Fetcher.get`), rejections by reason (:func:`bot.collect.collect`), digests
by mode (:mod:`bot.digest`), model tokens (:mod:`bot.llm`), replies and digests handed to a
chat platform by outcome, send latency and 429s (:class:`bot.delivery.sender.Sender`).
``app/metrics_server.py`` serves :data:`REGISTRY` on ``/metrics`` when ``[metrics] enabled``.
Counting costs a lock and an add, so it is always on; nothing is served unless asked.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.process_collector import ProcessCollector

from bot.errors import FetchError

P = ParamSpec("P")
R = TypeVar("R")

REGISTRY = CollectorRegistry(auto_describe=True)
"""Ours alone (not the library's global one): what ``/metrics`` shows is what we define."""
ProcessCollector(registry=REGISTRY)  # memory, CPU, open files of the service

FETCHES = Counter(
    "digestbot_fetches",
    "HTTP fetches of feeds and pages, by outcome: ok, not_modified, or the rejection reason",
    ["outcome"],
    registry=REGISTRY,
)
REJECTIONS = Counter(
    "digestbot_rejections",
    "Candidate stories rejected by a collection, by reason",
    ["reason"],
    registry=REGISTRY,
)
DIGESTS = Counter(
    "digestbot_digests",
    "Digests built and stored, by mode (model or extractive)",
    ["mode"],
    registry=REGISTRY,
)
MODEL_TOKENS = Counter(
    "digestbot_model_tokens",
    "Language model tokens spent (digests and answers), by kind (prompt or completion)",
    ["kind"],
    registry=REGISTRY,
)
DELIVERIES = Counter(
    "digestbot_deliveries",
    "Replies and digests handed to a chat platform, by platform and outcome "
    "(sent, pending, uncertain, failed)",
    ["platform", "status"],
    registry=REGISTRY,
)
SEND_SECONDS = Histogram(
    "digestbot_send_seconds",
    "Time one message took to send to a chat platform (each attempt)",
    ["platform"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30),
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "digestbot_rate_limited",
    "429 (too many requests) answers from a chat platform",
    ["platform"],
    registry=REGISTRY,
)


def count_tokens(prompt: int, completion: int) -> None:
    MODEL_TOKENS.labels("prompt").inc(prompt)
    MODEL_TOKENS.labels("completion").inc(completion)


class _Fetched(Protocol):
    @property
    def status(self) -> int: ...


F = TypeVar("F", bound=_Fetched)


def count_fetch(
    get: Callable[P, Awaitable[F]],
) -> Callable[P, Coroutine[Any, Any, F]]:
    """Count each call of a fetch by its outcome."""

    @functools.wraps(get)
    async def counted(*args: P.args, **kwargs: P.kwargs) -> F:
        try:
            fetched = await get(*args, **kwargs)
        except FetchError as exc:
            FETCHES.labels(str(exc.reason)).inc()
            raise
        FETCHES.labels("not_modified" if fetched.status == 304 else "ok").inc()
        return fetched

    return counted


class _Outcome(Protocol):
    @property
    def status(self) -> str: ...


class _Named(Protocol):
    @property
    def name(self) -> str: ...


Out = TypeVar("Out", bound=_Outcome)
S = TypeVar("S", bound=_Named)


def count_delivery(
    deliver: Callable[Concatenate[S, P], Awaitable[Out]],
) -> Callable[Concatenate[S, P], Coroutine[Any, Any, Out]]:
    """Count each reply or digest a sender delivered, by its platform and outcome."""

    @functools.wraps(deliver)
    async def counted(sender: S, /, *args: P.args, **kwargs: P.kwargs) -> Out:
        outcome = await deliver(sender, *args, **kwargs)
        DELIVERIES.labels(sender.name, outcome.status).inc()
        return outcome

    return counted
