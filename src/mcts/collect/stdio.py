"""A bounded stdio transport for the MCP SDK client.

Why not the SDK's ``stdio_client``: a scanner talks to servers it does not trust, so this transport
- starts the server with a scrubbed environment (``PATH``, ``HOME``, locale and what the operator passes),
  never the scanner's own secrets;
- caps the size of one message and of the captured stderr, and counts non-JSON-RPC output;
- on exit or cancellation kills the whole process tree: stdin closed, then SIGTERM, then SIGKILL, to the
  process group and to every descendant seen (even one that left the group).
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from subprocess import PIPE

import anyio
import anyio.abc
import mcp_types
import psutil
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.client import Transport
from mcp.shared.message import SessionMessage

from mcts.text.escape import escape_text

SAFE_ENV_NAMES = ("PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SYSTEMROOT")
EXIT_GRACE = 0.5
TERM_GRACE = 1.5
KILL_WAIT = 2.0


def scrubbed_environment(extra: Mapping[str, str], parent: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a stdio server gets: the safe names from ``parent`` plus ``extra``, nothing else."""
    source = os.environ if parent is None else parent
    env = {name: source[name] for name in SAFE_ENV_NAMES if name in source}
    return env | dict(extra)


@dataclass
class StdioStats:
    """What the transport saw besides JSON-RPC: stderr (capped), garbage, oversized messages, the exit."""

    max_stderr_bytes: int
    stderr: bytearray = field(default_factory=bytearray)
    stderr_total: int = 0
    garbage_lines: int = 0
    first_garbage: str | None = None
    oversized_messages: int = 0
    pid: int | None = None
    returncode: int | None = None

    def stderr_text(self) -> str | None:
        """The captured stderr as text, or ``None`` if the server wrote none."""
        return self.stderr.decode("utf-8", "replace") if self.stderr_total else None

    @property
    def stderr_truncated(self) -> bool:
        """Whether the server wrote more stderr than was kept."""
        return self.stderr_total > len(self.stderr)

    def keep_stderr(self, chunk: bytes) -> None:
        """Keep the head of stderr up to the cap; count the rest."""
        self.stderr_total += len(chunk)
        room = self.max_stderr_bytes - len(self.stderr)
        if room > 0:
            self.stderr.extend(chunk[:room])


def stdio_transport(
    argv: Sequence[str], env: Mapping[str, str], max_message_bytes: int, stats: StdioStats, cwd: str | None = None
) -> Transport:
    """A ``Transport`` that runs ``argv`` and speaks newline-delimited JSON-RPC over its stdin/stdout."""
    return _stdio(list(argv), dict(env), max_message_bytes, stats, cwd)


_Streams = tuple[MemoryObjectReceiveStream[SessionMessage | Exception], MemoryObjectSendStream[SessionMessage]]


@contextlib.asynccontextmanager
async def _stdio(
    argv: list[str], env: dict[str, str], max_message_bytes: int, stats: StdioStats, cwd: str | None
) -> AsyncIterator[_Streams]:
    process = await anyio.open_process(argv, stdin=PIPE, stdout=PIPE, stderr=PIPE, env=env, cwd=cwd,
                                       start_new_session=True)
    stats.pid = process.pid
    read_send, read_recv = anyio.create_memory_object_stream[SessionMessage | Exception](16)
    write_send, write_recv = anyio.create_memory_object_stream[SessionMessage](16)
    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(_read_stdout, process, read_send, max_message_bytes, stats)
            tg.start_soon(_read_stderr, process, stats)
            tg.start_soon(_write_stdin, process, write_recv, read_send)
            try:
                yield read_recv, write_send
            finally:
                with anyio.CancelScope(shield=True):
                    await terminate_tree(process)
                    stats.returncode = process.returncode
                tg.cancel_scope.cancel()
    finally:
        for stream in (read_send, read_recv, write_send, write_recv):
            stream.close()


async def _read_stdout(
    process: anyio.abc.Process,
    out: MemoryObjectSendStream[SessionMessage | Exception],
    max_message_bytes: int,
    stats: StdioStats,
) -> None:
    assert process.stdout is not None
    buffer = bytearray()
    discarding = False
    async with out:
        with contextlib.suppress(anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError, OSError):
            async for chunk in process.stdout:
                buffer.extend(chunk)
                while (newline := buffer.find(b"\n")) >= 0:
                    line = bytes(buffer[:newline])
                    del buffer[: newline + 1]
                    if discarding:
                        discarding = False
                        continue
                    message = _parse(line, stats)
                    if message is not None:
                        await out.send(message)
                if len(buffer) > max_message_bytes:
                    if not discarding:
                        stats.oversized_messages += 1
                    discarding = True
                    buffer.clear()


def _parse(line: bytes, stats: StdioStats) -> SessionMessage | None:
    if not line.strip():
        return None
    try:
        return SessionMessage(mcp_types.jsonrpc_message_adapter.validate_json(line, by_name=False))
    except ValueError:
        stats.garbage_lines += 1
        if stats.first_garbage is None:
            stats.first_garbage = escape_text(line[:200].decode("utf-8", "replace"), limit=200)
        return None


async def _read_stderr(process: anyio.abc.Process, stats: StdioStats) -> None:
    assert process.stderr is not None
    with contextlib.suppress(anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError, OSError):
        async for chunk in process.stderr:
            stats.keep_stderr(chunk)


async def _write_stdin(
    process: anyio.abc.Process,
    messages: MemoryObjectReceiveStream[SessionMessage],
    read_side: MemoryObjectSendStream[SessionMessage | Exception],
) -> None:
    assert process.stdin is not None
    try:
        async with messages:
            async for message in messages:
                data = message.message.model_dump_json(by_alias=True, exclude_unset=True) + "\n"
                await process.stdin.send(data.encode("utf-8"))
    except (anyio.ClosedResourceError, anyio.BrokenResourceError, OSError):
        read_side.close()  # the server stopped reading: end the session instead of hanging a request


async def terminate_tree(process: anyio.abc.Process) -> None:
    """Stop ``process`` and every descendant: close stdin, wait, SIGTERM, wait, SIGKILL. Bounded in time."""
    descendants = _descendants(process.pid)
    if process.stdin is not None:
        with contextlib.suppress(OSError, anyio.BrokenResourceError, anyio.ClosedResourceError):
            await process.stdin.aclose()
    if not await _exited(process, EXIT_GRACE):
        descendants |= _descendants(process.pid)
        _signal_all(process.pid, descendants, signal.SIGTERM)
        if not await _exited(process, TERM_GRACE):
            descendants |= _descendants(process.pid)
            _signal_all(process.pid, descendants, signal.SIGKILL)
            await _exited(process, KILL_WAIT)
    # Whatever the leader did, no descendant outlives the scan.
    survivors = {p for p in descendants if _alive(p)}
    if survivors:
        _signal_all(None, survivors, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)  # the group may hold children we never saw
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            with contextlib.suppress(OSError, anyio.BrokenResourceError, anyio.ClosedResourceError):
                await stream.aclose()


def _descendants(pid: int) -> set[psutil.Process]:
    try:
        return set(psutil.Process(pid).children(recursive=True))
    except psutil.Error:
        return set()


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _signal_all(group: int | None, processes: set[psutil.Process], sig: signal.Signals) -> None:
    if group is not None:
        with contextlib.suppress(OSError):
            os.killpg(group, sig)
    for proc in processes:
        with contextlib.suppress(psutil.Error):
            proc.send_signal(sig)


async def _exited(process: anyio.abc.Process, timeout: float) -> bool:
    """Poll ``returncode`` (not ``wait()``, which also waits for pipes a surviving child may hold open)."""
    with anyio.move_on_after(timeout):
        while process.returncode is None:
            await anyio.sleep(0.02)
    return process.returncode is not None
