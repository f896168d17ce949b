"""A fake Mistral API on 127.0.0.1: ``/v1/chat/completions``, ``/v1/embeddings`` and
``GET /v1/models``.

It speaks the real wire format, so the real ``mistralai`` SDK talks to it unchanged, and it
behaves like the real service where digestbot cares: 401 for a wrong key, 429 with
``Retry-After``, 5xx, slow replies, and whatever content a test scripts (invalid JSON,
hallucinated citations, the wrong language).

Structured output: a request with ``response_format`` of type ``json_schema`` is answered,
unless a test scripts the content, with an instance of that schema. Scripted replies to a
strict schema are checked against it and any mismatch is kept in ``schema_violations`` (the
real API never breaks a strict schema, so a test can assert there is none).
:class:`Adversary` is a scripted model that answers in the schema asked with a mix of
faithful and subtly wrong claims built from the sources in its prompt.

    with FakeMistral() as fake:
        fake.reply_with(lambda request: '{"answer": "..."}')
        fake.fail_next(429, retry_after=1)
        model = MistralModel(MistralConfig(server_url=fake.url), fake.api_key)
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Protocol

EMBED_DIMENSIONS = 1024
MODELS = {  # GET /v1/models: the ids (and aliases) a key may use
    "mistral-small-2506": ["mistral-small-latest"],
    "mistral-large-2411": ["mistral-large-latest"],
    "mistral-embed": [],
}
Responder = Callable[[dict[str, Any]], str]


@dataclass
class Fault:
    status: int
    retry_after: float | None = None
    delay_s: float = 0.0
    body: str | None = None


def fake_embedding(text: str) -> list[float]:
    """Feature-hashed bag of words: similar texts get similar vectors, deterministically."""
    vector = [0.0] * EMBED_DIMENSIONS
    for word in re.findall(r"\w+", text.lower()):
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        index = int.from_bytes(digest[:4], "little") % EMBED_DIMENSIONS
        vector[index] += 1.0 if digest[4] % 2 else -1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (a timeout test) is expected; anything else is shown."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class FakeMistral:
    def __init__(self, api_key: str = "test-mistral-key") -> None:
        self.api_key = api_key
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self._faults: deque[Fault] = deque()
        self._responder: Responder = _instance_reply
        self.schema_violations: list[str] = []
        self._delay_s = 0.0
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        # shutdown() waits for the serving loop to poll its flag: 0.5 s by default, per test
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def reply_with(self, responder: Responder | str) -> None:
        """Chat replies: a fixed content string, or a function of the request JSON."""
        self._responder = (lambda _r: responder) if isinstance(responder, str) else responder

    def fail_next(
        self,
        status: int,
        *,
        retry_after: float | None = None,
        times: int = 1,
        delay_s: float = 0.0,
        body: str | None = None,
    ) -> None:
        with self._lock:
            for _ in range(times):
                self._faults.append(Fault(status, retry_after, delay_s, body))

    def slow_down(self, seconds: float) -> None:
        """Every reply waits this long first (0 to stop)."""
        self._delay_s = seconds

    def chat_requests(self) -> list[dict[str, Any]]:
        return [body for path, body in self.requests if path.endswith("/chat/completions")]

    def __enter__(self) -> FakeMistral:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return None

            def _send(
                self,
                status: int,
                payload: Any,
                headers: dict[str, str] | None = None,
                raw: str | None = None,
            ) -> None:
                body = (raw if raw is not None else json.dumps(payload)).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                fake.requests.append((self.path, {}))
                if self.headers.get("authorization") != f"Bearer {fake.api_key}":
                    self._send(401, {"message": "Unauthorized", "request_id": "fake"})
                elif self.path == "/v1/models":
                    self._send(200, {"object": "list", "data": [
                        {"id": name, "object": "model", "aliases": aliases}
                        for name, aliases in MODELS.items()]})  # fmt: skip
                else:
                    self._send(404, {"message": "Not Found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                try:
                    request = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    self._send(400, {"message": "invalid JSON body"})
                    return
                fake.requests.append((self.path, request))
                if fake._delay_s:
                    time.sleep(fake._delay_s)
                if self.headers.get("authorization") != f"Bearer {fake.api_key}":
                    self._send(401, {"message": "Unauthorized", "request_id": "fake"})
                    return
                fault = fake._next_fault()
                if fault is not None:
                    if fault.delay_s:
                        time.sleep(fault.delay_s)
                    headers = {}
                    if fault.retry_after is not None:
                        headers["retry-after"] = f"{fault.retry_after:g}"
                    if fault.status < 400:
                        pass  # a pure delay: fall through to a normal reply
                    else:
                        self._send(
                            fault.status,
                            {"message": f"fake error {fault.status}"},
                            headers,
                            raw=fault.body,
                        )
                        return
                if self.path == "/v1/chat/completions":
                    self._chat(request)
                elif self.path == "/v1/embeddings":
                    self._embeddings(request)
                else:
                    self._send(404, {"message": "Not Found"})

            def _chat(self, request: dict[str, Any]) -> None:
                content = fake._responder(request)
                fake.schema_violations += _violations(content, request)
                prompt = sum(_tokens(str(m.get("content", ""))) for m in request["messages"])
                self._send(
                    200,
                    {
                        "id": "cmpl-fake",
                        "object": "chat.completion",
                        "model": request["model"],
                        "created": int(time.time()),
                        "usage": {
                            "prompt_tokens": prompt,
                            "completion_tokens": _tokens(content),
                            "total_tokens": prompt + _tokens(content),
                        },
                        "choices": [
                            {
                                "index": 0,
                                "finish_reason": "stop",
                                "message": {"role": "assistant", "content": content},
                            }
                        ],
                    },
                )

            def _embeddings(self, request: dict[str, Any]) -> None:
                inputs = request.get("input", [])
                inputs = [inputs] if isinstance(inputs, str) else inputs
                self._send(
                    200,
                    {
                        "id": "emb-fake",
                        "object": "list",
                        "model": request["model"],
                        "usage": {
                            "prompt_tokens": sum(_tokens(t) for t in inputs),
                            "total_tokens": sum(_tokens(t) for t in inputs),
                        },
                        "data": [
                            {"object": "embedding", "index": i, "embedding": fake_embedding(t)}
                            for i, t in enumerate(inputs)
                        ],
                    },
                )

        return Handler


# --- structured output ---------------------------------------------------------------------


def requested_schema(request: dict[str, Any]) -> tuple[str, dict[str, Any], bool] | None:
    """(name, JSON schema, strict) of a request asking for structured output, else None."""
    response_format = request.get("response_format") or {}
    if response_format.get("type") != "json_schema":
        return None
    spec = response_format["json_schema"]
    return spec["name"], spec["schema"], bool(spec.get("strict"))


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        path = node["$ref"].removeprefix("#/").split("/")
        target: Any = root
        for part in path:
            target = target[part]
        node = target
    return node


def schema_errors(
    value: Any, node: dict[str, Any], root: dict[str, Any], at: str = ""
) -> list[str]:
    """Where ``value`` breaks the JSON schema ``node`` (the subset pydantic writes)."""
    node = _resolve(node, root)
    if "anyOf" in node:
        options = [schema_errors(value, option, root, at) for option in node["anyOf"]]
        return [] if any(not errors for errors in options) else options[0]
    kind = node.get("type")
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    if kind in checks and not checks[kind](value):
        return [f"{at or '/'}: not {kind}"]
    errors: list[str] = []
    if kind == "object":
        properties = node.get("properties", {})
        errors += [f"{at}/{k}: missing" for k in node.get("required", []) if k not in value]
        if node.get("additionalProperties") is False:
            errors += [f"{at}/{k}: not in the schema" for k in value if k not in properties]
        for key, item in value.items():
            if key in properties:
                errors += schema_errors(item, properties[key], root, f"{at}/{key}")
    elif kind == "array" and "items" in node:
        for i, item in enumerate(value):
            errors += schema_errors(item, node["items"], root, f"{at}/{i}")
    elif kind == "string" and len(value) > node.get("maxLength", len(value)):
        errors.append(f"{at}: longer than {node['maxLength']}")
    return errors


def _violations(content: str, request: dict[str, Any]) -> list[str]:
    asked = requested_schema(request)
    if asked is None or not asked[2]:
        return []
    try:
        value = json.loads(content)
    except json.JSONDecodeError:
        return [f"{asked[0]}: reply is not JSON"]
    return [f"{asked[0]}{error}" for error in schema_errors(value, asked[1], asked[1])]


class Filler(Protocol):
    def fill(self, name: str, node: dict[str, Any]) -> Any:
        """A value for the property ``name`` of schema ``node``, or None to build one."""

    def items(self, name: str) -> int:
        """How many objects the array ``name`` gets."""

    def begin(self, name: str) -> None:
        """An object is about to be built."""


def instance_of(schema: dict[str, Any], filler: Filler | None = None) -> Any:
    """An instance of ``schema``: ``filler`` chooses values, else the simplest valid ones
    (required keys only, empty arrays)."""

    def build(node: dict[str, Any], name: str) -> Any:
        node = _resolve(node, schema)
        if filler is not None and (chosen := filler.fill(name, node)) is not None:
            return chosen
        if "anyOf" in node:
            return build(node["anyOf"][0], name)
        kind = node.get("type")
        if kind == "object":
            if filler is not None:
                filler.begin(name)
            properties = node.get("properties", {})
            keys = properties if filler is not None else node.get("required", [])
            return {k: build(properties[k], k) for k in keys}
        if kind == "array" and filler is not None:
            return [build(node.get("items", {}), name) for _ in range(filler.items(name))]
        return {"array": [], "string": "", "integer": 0, "number": 0, "boolean": False}.get(
            str(kind)
        )

    return build(schema, "")


def _instance_reply(request: dict[str, Any]) -> str:
    asked = requested_schema(request)
    return "{}" if asked is None else json.dumps(instance_of(asked[1]))


# --- an adversarial model ------------------------------------------------------------------

_PASSAGE = re.compile(r'<passage source="(\d+)"[^>]*>\n(.*?)\n</passage>', re.DOTALL)
_NUMBERED = re.compile(r"^\[(\d+)\] (.+?)(?=\n\[\d+\] |\n\n|\n\S|\Z)", re.DOTALL | re.MULTILINE)
_OUTLETS = re.compile(r" \([^()]*outlet\(s\)\)$", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？]):?\s+")  # ".:" ends a stage-2 headline
_FIGURE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w])")
_NAME = re.compile(r"\b[A-Z][A-Za-z0-9]+(?:[ -][A-Z0-9][A-Za-z0-9]*)*")
INVENTED_PARTNER = "Initech"
FOREIGN_URL = "https://evil.example/proof"


def _sources_of(prompt: str) -> dict[int, str]:
    """Source number -> its text, from any of our prompts (passages, stories, summaries)."""
    found = {int(n): text.strip() for n, text in _PASSAGE.findall(prompt)}
    if found:
        return found
    for match in _NUMBERED.finditer(_OUTLETS.sub(".", prompt)):
        found.setdefault(int(match.group(1)), " ".join(match.group(2).split()))
    return found


def _claims_of(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) > 30]


@dataclass(frozen=True)
class Claim:
    n: int
    text: str
    faithful: bool
    kind: str = "faithful"


@dataclass
class Adversary:
    """A model that restates its sources faithfully half the time and, the other half,
    changes a figure, swaps an entity for one of another source, invents a partner or adds
    a foreign URL, always in the schema the request asks for. ``said`` holds every claim
    it made, so a test can look for each in what reaches a reader."""

    calls: list[list[Claim]] = field(default_factory=list)
    """The claims of each reply, in order."""

    @property
    def said(self) -> list[Claim]:
        return [c for call in self.calls for c in call]

    @property
    def faithful(self) -> list[str]:
        return list(dict.fromkeys(c.text for c in self.said if c.faithful))

    @property
    def wrong(self) -> list[Claim]:
        return [c for c in self.said if not c.faithful]

    def __call__(self, request: dict[str, Any]) -> str:
        asked = requested_schema(request)
        assert asked is not None, "the adversary answers structured-output requests only"
        prompt = request["messages"][-1]["content"]
        # Names in the instructions (the topic's own) are in every source: no swap uses them.
        claims = self._claims(_sources_of(prompt), prompt, request["messages"][0]["content"])
        self.calls.append(claims)
        return json.dumps(instance_of(asked[1], _Filling(claims)), ensure_ascii=False)

    def _claims(self, sources: dict[int, str], prompt: str, instructions: str) -> list[Claim]:
        """For each source, one faithful claim and one wrong one, the wrong kind rotating,
        in an order that alternates which comes first."""
        made: list[Claim] = []
        kinds = ["figure", "entity", "partner", "url"]
        for i, (n, text) in enumerate(sorted(sources.items())):
            said = _claims_of(text) or [text]
            faithful = Claim(n, said[0], True)
            others = [t for m, t in sources.items() if m != n]
            wrong = None
            for k in range(len(kinds)):
                kind = kinds[(i + k) % len(kinds)]
                candidate = _twisted(said, kind, text, others, prompt, instructions)
                if candidate is not None:
                    wrong = Claim(n, candidate, False, kind)
                    break
            pair = [faithful] if wrong is None else [wrong, faithful]
            made += pair if i % 2 == 0 else pair[::-1]
        return made


def _twisted(
    said: list[str], kind: str, source: str, others: list[str], prompt: str, instructions: str
) -> str | None:
    """A subtly wrong version of one of ``said`` (sentences of ``source``), or None."""
    for sentence in said:
        base = sentence.rstrip(".!?。")
        if kind == "figure" and (figure := _FIGURE.search(sentence)):
            value = figure.group()
            for step in (7, 13, 29):
                new = str(int(value.replace(",", "").split(".")[0]) + step)
                if new not in prompt:
                    return sentence[: figure.start()] + new + sentence[figure.end() :]
        elif kind == "entity":
            mine = [m for m in _NAME.findall(sentence) if len(m) > 3]
            foreign = [
                m
                for t in others
                for m in _NAME.findall(t)
                if len(m) > 3 and m not in source and m not in instructions
            ]
            if mine and foreign:
                return sentence.replace(mine[-1], foreign[0], 1)
        elif kind == "partner":
            return f"{base}, in a partnership with {INVENTED_PARTNER}."
        elif kind == "url":
            return f"{base} (details: {FOREIGN_URL})."
    return None


class _Filling:
    """Fills a schema from claims: an array of objects gets one object per claim, each
    object takes the next claim (its text in every required string, its source in every
    number and list of numbers)."""

    def __init__(self, claims: list[Claim]) -> None:
        self.claims = claims or [Claim(1, "", True)]
        self.current = self.claims[0]
        self.taken = 0
        self.in_array = False

    def begin(self, name: str) -> None:
        if name:  # the reply itself is no claim
            self.current = self.claims[self.taken % len(self.claims)]
            self.taken += 1

    def items(self, name: str) -> int:
        return len(self.claims)

    def fill(self, name: str, node: dict[str, Any]) -> Any:
        kind = node.get("type")
        if kind == "boolean":
            return True
        if kind == "integer":
            return self.current.n
        if kind == "string":
            # A model fills what is asked; optional text (labels, "what changed") stays empty.
            if "default" in node:
                return ""
            if name == "summary" and self.taken == 0:
                self.begin(name)  # a top-level text is a claim of its own
            return self.current.text[: node.get("maxLength", len(self.current.text))]
        if kind == "array":
            items = node.get("items", {})
            if items.get("type") == "integer":
                return [self.current.n]
            if items.get("type") == "string":
                return [self.current.text]
        return None
