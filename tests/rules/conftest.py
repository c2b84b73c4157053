"""yara-x objects must be dropped on the thread that made them: collect each test's garbage on its own thread.

A test that keeps a compiler or scanner alive through a reference cycle (an exception's traceback frame, say)
would otherwise leave it to a later garbage collection, which may run on a worker thread of another test.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _collect_on_this_thread() -> Iterator[None]:
    yield
    gc.collect()
