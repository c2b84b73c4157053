"""What the pinned-child benchmarks share: which core to pin to, peak RSS, and a rate against its goal."""

from __future__ import annotations

import os


def pick_core() -> int | None:
    """The core to pin the measured process to (the highest this process may use), or ``None`` if unsupported."""
    if not hasattr(os, "sched_getaffinity") or not hasattr(os, "sched_setaffinity"):
        return None
    return max(os.sched_getaffinity(0))


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, MB (``ru_maxrss`` is in KiB on Linux)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rate(count: int, seconds: float, unit: str, goal: float) -> str:
    """``count`` per second over ``seconds`` in ``unit``, with the verdict against ``goal`` per second."""
    per_second = count / max(seconds, 1e-9)
    return f"{per_second:>9.0f} {unit}/s  {'meets goal' if per_second >= goal else 'UNDER goal'}"
