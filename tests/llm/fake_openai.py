"""A real OpenAI-compatible chat-completions server on 127.0.0.1, scripted per test (the hosted LLM we cannot run).

``FakeOpenAI`` runs uvicorn in a thread on a free port and serves ``POST /v1/chat/completions``. Every request
is recorded (``received``: headers and parsed body). What it answers is decided per request: first the
one-shot ``Reply`` objects queued in ``replies``, then ``script(received)``. The default script is an
``Oracle``: it reads the items between the judge's delimiters, like a model would, and answers a verdict
for each item whose text contains one of its triggers (``none`` for the others), with usage figures.
``reject_formats`` makes it answer 400 to the ``response_format`` types it names, as servers without
structured outputs do; ``delay`` is the time from a request's arrival to its answer (the benchmark's fixed
latency per call; the script's own work counts towards it, as a model's does).
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.servers.launch import HOST, free_port

_FENCE = re.compile(
    r"<<<BEGIN-UNTRUSTED-DATA-(?P<token>[0-9a-f]+)>>>\n(?P<data>.*?)\n<<<END-UNTRUSTED-DATA-(?P=token)>>>", re.S)


@dataclass(frozen=True)
class Received:
    """One request as the server saw it."""

    n: int
    path: str
    headers: dict[str, str]
    body: Any

    def user_message(self) -> str:
        return next(m["content"] for m in self.body["messages"] if m["role"] == "user")

    def system_message(self) -> str:
        return next(m["content"] for m in self.body["messages"] if m["role"] == "system")

    def items(self) -> list[dict[str, Any]]:
        """The items between the delimiters, each a JSON object with its id."""
        match = _FENCE.search(self.user_message())
        assert match is not None, "no fenced data in the request"
        return [json.loads(line) for line in match.group("data").splitlines()]

    def token(self) -> str:
        match = _FENCE.search(self.user_message())
        assert match is not None
        return match.group("token")

    def response_format(self) -> str | None:
        fmt = self.body.get("response_format")
        return None if fmt is None else str(fmt["type"])


@dataclass(frozen=True)
class Reply:
    """One answer: a status, a JSON body (or raw text), headers, and how long to wait before sending it."""

    status: int = 200
    json: Any = None
    text: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def completion(content: str, *, finish_reason: str = "stop", usage: tuple[int, int] | None = (100, 20)) -> Reply:
    """A chat completion whose first choice says ``content``."""
    body: dict[str, Any] = {
        "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()), "model": "judge-test",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": finish_reason}],
    }
    if usage is not None:
        body["usage"] = {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}
    return Reply(json=body)


def verdict(item_id: str, issue_type: str = "none", evidence: str = "", *, severity: str = "info",
            confidence: str = "high", reasoning: str = "") -> dict[str, str]:
    return {"item_id": item_id, "issue_type": issue_type, "severity": severity, "confidence": confidence,
            "evidence": evidence, "reasoning": reasoning}


@dataclass(frozen=True)
class Rule:
    """When an item's text contains ``trigger``, answer ``issue_type`` quoting ``quote`` (default: the trigger)."""

    trigger: str
    issue_type: str
    severity: str = "high"
    confidence: str = "high"
    quote: str | None = None


@dataclass
class Oracle:
    """Answers like a well-behaved model: one verdict per triggered rule, ``none`` for untouched items."""

    rules: list[Rule] = field(default_factory=list)

    def __call__(self, received: Received) -> Reply:
        out = []
        for item in received.items():
            texts = [*item["fields"].values(), (item.get("handler") or {}).get("code", "")]
            hits = [r for r in self.rules if any(r.trigger in t for t in texts)]
            for rule in hits:
                out.append(verdict(item["id"], rule.issue_type, rule.quote or rule.trigger, severity=rule.severity,
                                   confidence=rule.confidence, reasoning=f"it says {rule.trigger!r}"))
            if not hits:
                out.append(verdict(item["id"]))
        content = json.dumps({"verdicts": out})
        return completion(content, usage=(len(received.user_message()) // 4, len(content) // 4))


Script = Callable[[Received], Reply]


class FakeOpenAI:
    """The server. Use as a context manager; ``url`` is the base URL to configure (``…/v1``)."""

    def __init__(self, script: Script | None = None, *, delay: float = 0.0,
                 reject_formats: frozenset[str] = frozenset(), port: int | None = None) -> None:
        self.script: Script = script or Oracle()
        self.replies: list[Reply] = []
        self.received: list[Received] = []
        self.errors: list[str] = []  # exceptions raised by the script (answered 500): a test asserts none
        self.delay = delay
        self.reject_formats = reject_formats
        self.port = port or free_port()
        self._lock = threading.Lock()
        app = Starlette(routes=[Route("/v1/chat/completions", self._chat, methods=["POST"]),
                                Route("/_fake/calls", self._calls, methods=["GET"])])
        config = uvicorn.Config(app, host=HOST, port=self.port, log_level="warning", lifespan="off", ws="none",
                                timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="fake-openai", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"

    @property
    def calls(self) -> int:
        return len(self.received)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the fake OpenAI server did not start on port {self.port}")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    async def _calls(self, request: Request) -> Response:
        """How many chat requests arrived (for a client in another process, such as the benchmark)."""
        return JSONResponse({"calls": self.calls})

    async def _chat(self, request: Request) -> Response:
        arrived = time.monotonic()
        raw = await request.body()
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        with self._lock:
            received = Received(len(self.received) + 1, request.url.path, dict(request.headers), body)
            self.received.append(received)
            reply = self.replies.pop(0) if self.replies else None
        if reply is None:
            fmt = received.response_format() if isinstance(body, dict) else None
            if fmt in self.reject_formats:
                reply = Reply(400, {"error": {"message": f"response_format {fmt} is not supported",
                                              "type": "invalid_request_error"}})
            else:
                try:
                    reply = self.script(received)
                except Exception as exc:
                    self.errors.append(repr(exc))
                    reply = Reply(500, {"error": {"message": "the test script failed"}})
        await asyncio.sleep(max(0.0, (reply.delay or self.delay) - (time.monotonic() - arrived)))
        if reply.text is not None:
            return Response(reply.text, status_code=reply.status, headers=reply.headers, media_type="text/plain")
        return JSONResponse(reply.json, status_code=reply.status, headers=reply.headers)


def main() -> None:
    """Serve until stdin closes: ``python -m tests.llm.fake_openai PORT [DELAY]`` (prints ``ready`` when up)."""
    port, delay = int(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    with FakeOpenAI(delay=delay, port=port):
        print("ready", flush=True)
        sys.stdin.read()


@contextmanager
def fake_openai(script: Script | None = None, **kwargs: Any) -> Iterator[FakeOpenAI]:
    with FakeOpenAI(script, **kwargs) as server:
        yield server


if __name__ == "__main__":
    main()
