"""The judge's HTTP client: POST {base_url}/chat/completions with retries, backoff, a deadline and no redirects.

429, 408 and 5xx answers, timeouts and connection errors are retried up to ``llm_max_retries`` times with
exponential backoff and full jitter, waiting what ``Retry-After`` asks (capped at ``MAX_WAIT``) when given,
and never past the judge's deadline. A 400 or 422 while a ``response_format`` is sent is read as "this server
does not support it": the client falls back from ``json_schema`` to ``json_object`` to none (the instruction
in the prompt), for this call and every later one. 401, 403, 404 and redirects stop the judge: retrying
cannot fix them. The API key is sent only as ``Authorization: Bearer`` and is masked in every message.
"""

from __future__ import annotations

import email.utils
import functools
import json
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import anyio
import httpx2

from mcts.analyzers._llm_answer import InvalidAnswer
from mcts.analyzers._llm_prompt import RESPONSE_MODES, ResponseMode
from mcts.text.escape import escape_text
from mcts.text.redact import redact_secrets

MAX_WAIT = 60.0  # longest wait between two attempts, Retry-After included
BASE_BACKOFF = 0.5
RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})


class EndpointRefused(Exception):
    """An answer no retry can fix (bad key, wrong URL, a redirect): the judge stops calling."""


class CallFailed(Exception):
    """One call failed after its retries; other calls may still succeed."""


class OutOfTime(Exception):
    """The judge's deadline passed (or the next wait would pass it) before the call succeeded."""


@dataclass(frozen=True)
class _Outcome:
    """One attempt: the content, or a retryable problem (with a Retry-After wait), or neither (a fallback)."""

    content: str | None = None
    problem: str | None = None
    wait: float | None = None


@dataclass
class CallStats:
    """Counters of one judge run, reported as the analyzer's metrics."""

    calls: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms_total: float = 0.0
    format_fallbacks: int = 0


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx2's default verifying TLS context, built once per process (loading the CA store takes tens of ms)."""
    return httpx2.create_ssl_context()


def chat_url(base_url: str) -> str:
    """``{base_url}/chat/completions`` (a base URL that already ends so is kept)."""
    base = base_url.rstrip("/")
    return base if base.endswith("/chat/completions") else base + "/chat/completions"


def display_url(url: str) -> str:
    """``url`` without user info, query or fragment: safe to show (keys sometimes ride in a query)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number or an HTTP date), or ``None``."""
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class ChatClient:
    """Chat completions against one endpoint, shared by the concurrent calls of one judge run."""

    def __init__(self, base_url: str, api_key: str | None, *, timeout: float, max_retries: int, deadline: float,
                 stats: CallStats, rng: random.Random | None = None) -> None:
        self.url = chat_url(base_url)
        self.shown_url = display_url(self.url)
        self._key = api_key
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        # An http:// endpoint never speaks TLS (redirects are not followed): it gets a context that verifies but
        # trusts no CA, so nothing loads the CA store for it and any TLS it might attempt fails closed.
        tls = _tls_context() if self.url.startswith("https:") else ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self._http = httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(timeout), follow_redirects=False,
                                        verify=tls)
        self._timeout = timeout
        self._max_retries = max_retries
        self._deadline = deadline
        self._mode = 0
        self._rng = rng or random.Random()  # noqa: S311 -- jitter, not cryptography
        self.stats = stats

    async def __aenter__(self) -> ChatClient:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self._http.aclose()

    def masked(self, text: str) -> str:
        """``text`` escaped, with the API key and anything credential-shaped masked."""
        if self._key:
            text = text.replace(self._key, "***")
        return escape_text(redact_secrets(text), limit=300)

    async def complete(self, build: Callable[[ResponseMode], dict[str, Any]]) -> str:
        """The content of the first choice of a completion of ``build(mode)``, after retries and fallbacks.

        Raises ``InvalidAnswer`` for a 200 that is not a usable completion, ``CallFailed``, ``EndpointRefused``
        or ``OutOfTime``.
        """
        attempt = 0
        while True:
            used = self._mode
            outcome = await self._attempt(build(RESPONSE_MODES[used]), used)
            if outcome.content is not None:
                return outcome.content
            if outcome.problem is None:
                continue  # fell back to a simpler response_format: the same attempt again
            if attempt >= self._max_retries:
                raise CallFailed(f"{outcome.problem} (after {attempt + 1} attempts)")
            wait = min(MAX_WAIT, outcome.wait) if outcome.wait is not None else self._backoff(attempt)
            if time.monotonic() + wait >= self._deadline:
                raise OutOfTime(f"{outcome.problem}; no time left to retry")
            self.stats.retries += 1
            attempt += 1
            await anyio.sleep(wait)

    async def _attempt(self, body: dict[str, Any], used: int) -> _Outcome:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise OutOfTime("the judge's time budget ran out")
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8", "replace")
        self.stats.calls += 1
        t0 = time.perf_counter()
        try:
            with anyio.fail_after(min(self._timeout, remaining)):
                response = await self._http.post(self.url, content=payload)
        except (TimeoutError, httpx2.TimeoutException):
            if time.monotonic() >= self._deadline:
                raise OutOfTime("the judge's time budget ran out during a call") from None
            return _Outcome(problem=f"no answer within {self._timeout:g}s")
        except httpx2.TransportError as exc:
            return _Outcome(problem=f"cannot reach {self.shown_url}: {self.masked(str(exc) or type(exc).__name__)}")
        finally:
            self.stats.latency_ms_total += (time.perf_counter() - t0) * 1000
        return self._classify(response, used)

    def _classify(self, response: httpx2.Response, used: int) -> _Outcome:
        status = response.status_code
        if status == 200:
            return _Outcome(content=self._content(response))
        said = self.masked(response.text) if response.content else "(no body)"
        if status in (400, 422) and RESPONSE_MODES[used] != "none":
            if self._mode == used:  # concurrent calls that failed in the same mode fall back once
                self._mode += 1
                self.stats.format_fallbacks += 1
            return _Outcome()
        if status in (401, 403):
            raise EndpointRefused(f"{self.shown_url} refused the request ({status}): check MCTS_LLM_API_KEY")
        if status == 404:
            raise EndpointRefused(f"{self.shown_url} does not exist (404): set MCTS_LLM_BASE_URL to the API root "
                                  f"that serves /chat/completions, e.g. http://127.0.0.1:11434/v1; it said {said}")
        if 300 <= status < 400:
            target = display_url(response.headers.get("location", "")) or "elsewhere"
            raise EndpointRefused(f"{self.shown_url} redirects ({status}) to {target}; redirects are not followed: "
                                  f"set MCTS_LLM_BASE_URL to the final address")
        if status in RETRYABLE:
            wait = retry_after_seconds(response.headers.get("retry-after"))
            return _Outcome(problem=f"{self.shown_url} answered {status}: {said}", wait=wait)
        raise CallFailed(f"{self.shown_url} answered {status}: {said}")

    def _content(self, response: httpx2.Response) -> str:
        try:
            data = response.json()
            choice = data["choices"][0]
            content = choice["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise InvalidAnswer("the response is not a chat completion (no choices[0].message.content)") from None
        usage = data.get("usage") if isinstance(data, dict) else None
        if isinstance(usage, dict):
            for name in ("prompt_tokens", "completion_tokens"):
                value = usage.get(name)
                if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                    setattr(self.stats, name, getattr(self.stats, name) + value)
        if choice.get("finish_reason") == "length":
            raise InvalidAnswer("the answer was cut at the model's output limit")
        if not isinstance(content, str):
            raise InvalidAnswer("the response has no text content")
        return content

    def _backoff(self, attempt: int) -> float:
        ceiling = min(MAX_WAIT, BASE_BACKOFF * 2**attempt)
        return self._rng.uniform(ceiling / 2, ceiling)
