"""The language model behind a small interface, and its Mistral implementation.

Everything that talks to a model (the digest writer, the question answerer) takes a
:class:`LanguageModel`, so tests and offline runs can swap the implementation and the rest
of the code never sees the SDK. The Mistral client is the official ``mistralai`` SDK
(3.x: ``mistralai.client.Mistral``), pointed at ``mistral.server_url`` when set, with the
SDK's own retry configuration (it honours ``Retry-After`` on 429 and retries 5xx).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import httpx2
from pydantic import BaseModel, ValidationError

from bot.config import MistralConfig, Secrets
from bot.errors import ModelError

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
        )


@dataclass(frozen=True)
class ChatReply:
    content: str
    usage: Usage


class LanguageModel(Protocol):
    """What digestbot needs from a model: JSON chat completions and embeddings."""

    @property
    def name(self) -> str: ...

    async def chat_json(self, system: str, user: str, *, max_tokens: int = 2000) -> ChatReply:
        """A completion constrained to one JSON object."""
        ...

    async def embed(self, texts: Sequence[str]) -> list[list[float]]: ...

    async def aclose(self) -> None:
        """Release connections; the model is not used afterwards."""
        ...


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff for the SDK's retries; bounded so a failing API costs at most ``max_elapsed_ms``."""

    initial_ms: int = 500
    max_ms: int = 8_000
    exponent: float = 2.0
    max_elapsed_ms: int = 30_000


class MistralModel:
    def __init__(
        self,
        config: MistralConfig,
        api_key: str,
        *,
        retry: RetryPolicy = RetryPolicy(),
        timeout_s: float = 60.0,
    ) -> None:
        from mistralai.client import Mistral
        from mistralai.client.utils import BackoffStrategy, RetryConfig

        self._config = config
        # Our own client, so that aclose() really closes its connections.
        self._http = httpx2.AsyncClient(follow_redirects=True)
        self._client = Mistral(
            api_key=api_key,
            async_client=self._http,
            server_url=config.server_url or None,
            retry_config=RetryConfig(
                "backoff",
                BackoffStrategy(
                    retry.initial_ms, retry.max_ms, retry.exponent, retry.max_elapsed_ms
                ),
                retry_connection_errors=True,
            ),
            timeout_ms=int(timeout_s * 1000),
        )

    @property
    def name(self) -> str:
        return self._config.model

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> MistralModel:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def chat_json(self, system: str, user: str, *, max_tokens: int = 2000) -> ChatReply:
        from mistralai.client.models import SystemMessage, UserMessage

        messages: list[SystemMessage | UserMessage] = [
            SystemMessage(content=system),
            UserMessage(content=user),
        ]
        response = await self._call(
            self._client.chat.complete_async(
                model=self._config.model,
                messages=messages,
                response_format={"type": "json_object"},
                temperature=0.2,
                max_tokens=max_tokens,
            )
        )
        try:
            content = response.choices[0].message.content
        except (AttributeError, IndexError) as exc:
            raise ModelError("bad_response", "reply has no choices") from exc
        if not isinstance(content, str):
            raise ModelError("bad_response", "reply content is not text")
        usage = response.usage
        return ChatReply(
            content,
            Usage(int(usage.prompt_tokens or 0), int(usage.completion_tokens or 0)),
        )

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        response = await self._call(
            self._client.embeddings.create_async(model=self._config.embed_model, inputs=list(texts))
        )
        vectors = [list(item.embedding or []) for item in response.data]
        if len(vectors) != len(texts) or any(not v for v in vectors):
            raise ModelError("bad_response", "embeddings reply does not match the inputs")
        return vectors

    async def _call(self, request: Any) -> Any:
        """Await an SDK call, turning its exceptions into :class:`ModelError`."""
        from mistralai.client import errors

        try:
            return await request
        except errors.SDKError as exc:
            status = exc.status_code
            kind = {401: "auth", 403: "auth", 429: "rate_limited"}.get(
                status, "server" if status >= 500 else "bad_response"
            )
            raise ModelError(kind, f"HTTP {status} from the Mistral API") from None
        except errors.HTTPValidationError as exc:
            raise ModelError("bad_response", "the API rejected the request (422)") from exc
        except httpx2.TimeoutException:
            raise ModelError("timeout", "the Mistral API did not answer in time") from None
        except httpx2.HTTPError as exc:
            raise ModelError(
                "connection", f"cannot reach the Mistral API: {type(exc).__name__}"
            ) from None
        except errors.MistralError as exc:
            raise ModelError("bad_response", type(exc).__name__) from None


def parse_reply(reply: ChatReply, schema: type[T]) -> T:
    """The reply's JSON validated against ``schema``, or :class:`ModelError`."""
    try:
        return schema.model_validate(json.loads(reply.content))
    except json.JSONDecodeError as exc:
        raise ModelError("bad_response", f"reply is not JSON ({exc.msg})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ModelError(
            "bad_response", f"reply JSON does not fit: {where}: {first['msg']}"
        ) from None


def make_model(config: MistralConfig, secrets: Secrets) -> LanguageModel | None:
    """The configured model, or None (extractive mode) when no key is set."""
    if not secrets.mistral_api_key:
        return None
    return MistralModel(config, secrets.mistral_api_key)
