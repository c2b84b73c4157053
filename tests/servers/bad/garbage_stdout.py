"""Misbehaviour: floods stdout with non-JSON text lines and binary junk and answers nothing.

Every ``INTERVAL_SECONDS`` it writes a text line, a line of invalid UTF-8 bytes and a
JSON-looking but truncated line. It never reads stdin, so no request is ever answered;
it stops when stdout breaks (the client went away) or it is killed.
"""

from __future__ import annotations

import os
import sys
import time

INTERVAL_SECONDS = 0.01
GARBAGE_LINES = (
    b"this is not JSON-RPC, just noise on stdout\n",
    b"\xff\xfe\x00\x81\xc3\x28 binary \x00\x01\x02 junk \xa0\xa1\n",
    b'{"jsonrpc": "2.0", "id": 0, "result": {"truncated\n',
)


def main() -> None:
    """Write garbage forever."""
    try:
        while True:
            for line in GARBAGE_LINES:
                sys.stdout.buffer.write(line)
            sys.stdout.buffer.flush()
            time.sleep(INTERVAL_SECONDS)
    except BrokenPipeError:
        # The reader is gone: point stdout at /dev/null so the exit-time flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    main()
