"""Misbehaviour: hard to stop. Ignores SIGTERM and stdin EOF, forks a SIGTERM-ignoring child, hangs on ``tools/list``.

At start it ignores SIGTERM, spawns a child (same process group) that ignores SIGTERM
and sleeps for an hour, and prints ``CHILD_PID=<pid>`` on stderr. The handshake and
prompts/resources lists are answered, ``tools/list`` never is, and when stdin closes it
keeps running. Only SIGKILL (of the whole process group, for the child) ends it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading

try:
    from . import _rpc
except ImportError:  # run as a script
    import _rpc  # type: ignore[import-not-found, no-redef, unused-ignore]

SERVER_NAME = "ignores-sigterm"
CHILD_PID_PREFIX = "CHILD_PID="
CHILD_CODE = "import signal,time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(3600)"


def ignore_tools_list(message: _rpc.Message) -> bool:
    """Drop ``tools/list`` on the floor."""
    return message.get("method") == "tools/list"


def main() -> None:
    """Become unkillable by SIGTERM, spawn the stubborn child, serve, and never exit on our own."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    child = subprocess.Popen([sys.executable, "-c", CHILD_CODE])
    print(f"{CHILD_PID_PREFIX}{child.pid}", file=sys.stderr, flush=True)
    _rpc.serve(SERVER_NAME, ignore_tools_list)
    threading.Event().wait()  # stdin hit EOF: linger anyway


if __name__ == "__main__":
    main()
