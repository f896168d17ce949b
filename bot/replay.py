"""Serve recorded HTTP responses from a folder instead of the network.

The folder holds ``responses.json``::

    {"responses": [{"url": "https://...", "status": 200,
                    "headers": {"content-type": "text/html"}, "body": "pages/a.html"}]}

:class:`ReplayTransport` plugs into httpx in place of the network transport, so the fetch
code that runs against the real web runs unchanged against the recording. A URL that is
not in the recording answers 404, as a missing page would. Bodies are streamed from their
files in chunks, like a network body, so the fetch limits apply to them unchanged.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.errors import ConfigError


@dataclass(frozen=True)
class RecordedResponse:
    status: int
    headers: dict[str, str]
    body_path: Path | None


def _key(url: str) -> str:
    return str(httpx.URL(url))


def load_recording(folder: Path) -> dict[str, RecordedResponse]:
    index = folder / "responses.json"
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"fetch.replay_dir: {index} does not exist") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"fetch.replay_dir: cannot read {index}: {exc}") from None
    recording: dict[str, RecordedResponse] = {}
    for number, entry in enumerate(data.get("responses", [])):
        try:
            url = entry["url"]
            body = entry.get("body")
            recording[_key(url)] = RecordedResponse(
                status=int(entry.get("status", 200)),
                headers={str(k): str(v) for k, v in entry.get("headers", {}).items()},
                body_path=folder / body if body else None,
            )
        except (KeyError, TypeError, ValueError, httpx.InvalidURL) as exc:
            raise ConfigError(f"{index}: responses[{number}] is malformed: {exc}") from None
    return recording


_CHUNK = 64 * 1024


class _FileStream(httpx.AsyncByteStream):
    def __init__(self, path: Path | None) -> None:
        self._path = path

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._path is None:
            return
        with self._path.open("rb") as body:
            while chunk := body.read(_CHUNK):
                yield chunk


class ReplayTransport(httpx.AsyncBaseTransport):
    def __init__(self, folder: Path) -> None:
        self._recording = load_recording(folder)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        recorded = self._recording.get(_key(str(request.url)))
        if recorded is None:
            return httpx.Response(
                404,
                headers={"content-type": "text/plain", "x-digestbot-replay": "miss"},
                # A stream, not content=: httpx would read content= at once and leave
                # nothing for the fetcher's streaming read.
                stream=httpx.ByteStream(b"not in the replay recording"),
                request=request,
            )
        return httpx.Response(
            recorded.status,
            headers=recorded.headers,
            stream=_FileStream(recorded.body_path),
            request=request,
        )
