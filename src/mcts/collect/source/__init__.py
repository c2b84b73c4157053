"""Static collection: a server's source file or repository -> an Inventory, without running anything.

INTERFACE STUB (the source-collector work fills it in): ``collect_source`` walks the target, extracts items
from Python (``python.py``) and TypeScript/JavaScript (``typescript.py``) files and returns a ``Collected``
whose inventory carries ``sources`` (file:line of every item) and whose ``files`` hold the texts read.
"""

from __future__ import annotations

from mcts.collect.result import Collected
from mcts.errors import TargetError
from mcts.model.target import SourceTarget
from mcts.options import ScanOptions


def collect_source(target: SourceTarget, options: ScanOptions) -> Collected:
    """Extract the inventory of the server whose source is at ``target.path``."""
    raise TargetError(f"{target.display()}: source scanning is being built")
