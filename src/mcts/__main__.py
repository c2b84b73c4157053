"""``python -m mcts``: the same as the ``mcts`` command."""

from mcts.cli import main

main()
