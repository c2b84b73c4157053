"""Policy: from findings and coverage to a verdict and an exit code. Pure functions, no I/O."""
