"""The protocol probe's record: every check it ran against an HTTP server, passed or not.

A failed check is also a finding (analyzer ``protocol-probe``) whose id is given here; a passed check is
recorded so a reader can tell "checked and fine" from "not checked".
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ProbeStatus = Literal["pass", "fail", "skipped", "error"]


class ProbeCheck(BaseModel):
    """One active check: its id (``PRB…``), what it tests, and how it came out."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Stable check id, e.g. PRB003")
    title: str
    status: ProbeStatus
    detail: str | None = Field(default=None, description="What was sent and seen (secrets redacted)")
    finding_id: str | None = Field(default=None, description="The finding this failed check produced")


class ProbeResult(BaseModel):
    """The protocol probe of one URL target."""

    model_config = ConfigDict(frozen=True)

    url: str = Field(description="The probed URL, secrets redacted")
    checks: tuple[ProbeCheck, ...] = ()
    requests: int = Field(default=0, description="HTTP requests the probe sent")

    def summary(self) -> str:
        """One line: how many checks ran and how they came out, e.g. ``16 checks: 9 pass, 5 fail, 2 skipped``."""
        statuses = ("pass", "fail", "skipped", "error")
        counts = {status: sum(c.status == status for c in self.checks) for status in statuses}
        shown = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
        return f"{len(self.checks)} checks" + (f": {shown}" if shown else "")
