"""Misbehaviour: reads stdin until EOF but never answers anything, not even the handshake.

A client's ``server/discover`` probe and ``initialize`` both wait forever; only a
connect timeout gets the scanner out. Exits quietly once stdin closes.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Swallow every line on stdin without replying."""
    for _ in sys.stdin:
        pass


if __name__ == "__main__":
    main()
