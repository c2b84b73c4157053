"""Policy: suppressions, gates, and the verdict and exit code of a scan.

``finalize(report, options, cwd)`` applies the ignore file, computes the scores over the unsuppressed findings
and lists the gate violations; the engine runs it on every report it returns.
"""

from mcts.policy.finalize import check_policy, finalize

__all__ = ["check_policy", "finalize"]
