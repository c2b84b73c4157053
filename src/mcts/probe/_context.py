"""What the checks share: the target, the channel, what earlier checks learned, and the record of verdicts.

Every verdict goes through ``passed`` / ``failed`` / ``skipped`` / ``errored``; a failure builds its finding
with the ``protocol-probe`` analyzer's builder, so its metadata, escaping and id are those of every finding.
A check is recorded once: recording it twice is a bug and raises.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from anyio.abc import TaskGroup

from mcts.analyzers.base import AnalyzerContext
from mcts.analyzers.protocol_probe import ProtocolProbe
from mcts.model.finding import Confidence, Finding, Location, Severity, Surface
from mcts.model.probe import ProbeCheck, ProbeStatus
from mcts.model.target import HttpTarget
from mcts.options import ScanOptions
from mcts.probe._catalog import BY_ID, CHECKS
from mcts.probe._channel import Channel, Opened, Session
from mcts.probe._http import JsonRpc, ProbeHttp, Reply
from mcts.text.escape import escape_text
from mcts.text.redact import redact_secrets

HOSTILE_ORIGIN = "https://attacker.example"
HOSTILE_HOST = "attacker.example"
DETAIL_LIMIT = 1000


def is_loopback(host: str | None) -> bool:
    """``localhost``, a ``*.localhost`` name (RFC 6761) or a loopback address literal; no DNS is asked."""
    if not host:
        return False
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass
class State:
    """What earlier checks learned, for later ones."""

    main: Session | None = None
    """The session opened with the operator's headers: the control of every "refused" verdict."""
    main_opening: Opened | None = None
    anonymous: Opened | None = None
    """The opening without any credentials."""
    unauthenticated: bool = False
    """The server listed tools to a client without credentials."""
    tools: list[JsonRpc] | None = None
    session_ids: list[str] = field(default_factory=list)
    """Every session id the server issued to the probe, in order."""
    origin_reply: Reply | None = None
    resource_metadata: str | None = None
    """The URL in the 401 challenge's resource_metadata parameter."""
    authorization_server: str | None = None
    """The first authorization server named by valid protected-resource metadata."""
    as_metadata: JsonRpc | None = None
    unreachable: str | None = None
    """Why the server could not be reached at all: every later check is an error without sending anything."""

    def keep(self, opened: Opened) -> Opened:
        """Note the session id ``opened`` issued; return it."""
        if opened.session is not None and opened.session.id:
            self.session_ids.append(opened.session.id)
        return opened


class ProbeContext:
    """One probe run: target, options, HTTP, channel, state and verdicts."""

    def __init__(self, target: HttpTarget, options: ScanOptions, http: ProbeHttp) -> None:
        self.target = target
        self.url = target.url
        self.options = options
        self.http = http
        self.host = urlsplit(target.url).hostname or ""
        self.loopback = is_loopback(self.host)
        self.state = State()
        self.task_group: TaskGroup | None = None  # where legacy SSE connections run
        self._channel: Channel | None = None
        self._analyzer = ProtocolProbe(AnalyzerContext(options=options, target_kind="http"))
        self._checks: dict[str, ProbeCheck] = {}
        self.findings: list[Finding] = []

    @property
    def channel(self) -> Channel:
        """The transport the server answered on (set once the main session was attempted)."""
        if self._channel is None:
            raise RuntimeError("no channel yet: the main session is opened first")
        return self._channel

    @channel.setter
    def channel(self, channel: Channel) -> None:
        self._channel = channel

    @property
    def has_channel(self) -> bool:
        """Whether a channel was chosen (the main session was attempted)."""
        return self._channel is not None

    def _record(self, check_id: str, status: ProbeStatus, detail: str, finding: Finding | None = None) -> None:
        if check_id in self._checks:
            raise RuntimeError(f"probe check {check_id} recorded twice")
        spec = BY_ID[check_id]
        finding_id = finding.id if finding is not None else None
        shown = escape_text(redact_secrets(self.scrub(detail)), limit=DETAIL_LIMIT)
        self._checks[check_id] = ProbeCheck(id=check_id, title=spec.title, status=status, detail=shown,
                                            finding_id=finding_id)
        if finding is not None:
            self.findings.append(finding)

    def passed(self, check_id: str, detail: str) -> None:
        """Record a pass: checked, and fine."""
        self._record(check_id, "pass", detail)

    def skipped(self, check_id: str, reason: str) -> None:
        """Record a check that does not apply or could not be judged, and why."""
        self._record(check_id, "skipped", reason)

    def errored(self, check_id: str, reason: str) -> None:
        """Record a check that could not run because of the network or the probe's own limits."""
        self._record(check_id, "error", reason)

    def failed(
        self,
        check_id: str,
        *,
        severity: Severity,
        evidence: str,
        detail: str,
        confidence: Confidence | None = None,
    ) -> None:
        """Record a failure and its finding. ``evidence`` must be stable across runs (it makes the finding id)."""
        spec = BY_ID[check_id]
        evidence, detail = self.scrub(evidence), self.scrub(detail)
        finding = self._analyzer.finding(
            Location(surface=Surface.SERVER, field=spec.field),
            f"{check_id}: {evidence}",
            technique=spec.technique,
            severity=severity,
            confidence=confidence,
            title=spec.failure,
            detail=detail,
        )
        self._record(check_id, "fail", f"{evidence}. {detail}", finding)

    def scrub(self, text: str) -> str:
        """``text`` without the operator's credentials, should a server have echoed one back."""
        for secret in self.http.secrets:
            text = text.replace(secret, "***")
        return text

    def pending(self, ids: tuple[str, ...]) -> list[str]:
        """Those of ``ids`` not recorded yet."""
        return [i for i in ids if i not in self._checks]

    def checks(self) -> tuple[ProbeCheck, ...]:
        """Every recorded check, in id order."""
        return tuple(self._checks[spec.id] for spec in CHECKS if spec.id in self._checks)

    def no_control(self) -> str | None:
        """Why there is no accepted main session to compare with (None when there is one)."""
        opening = self.state.main_opening
        if self.state.main is not None:
            return None
        if opening is None:
            if self.http.throttled:
                return f"the server throttled the probe's first request ({self.http.throttled}); run it again later"
            return "no MCP session could be opened"
        if opening.reply.status in (401, 403):
            how = "refused the given credentials" if self.http.has_credentials else "requires authorization"
            return (f"the server {how} ({opening.reply.describe()}); give a valid --bearer-token (API: "
                    "bearer_token) to run this check")
        return f"no MCP session could be opened: {self.channel.opening} was answered {opening.reply.describe()}"

    def lacks_control(self, check_id: str) -> bool:
        """Record ``check_id`` when there is no main session to compare with; return whether it was recorded.

        Skipped when authorization or throttling is why, an error otherwise (no MCP session at that URL).
        """
        reason = self.no_control()
        if reason is None:
            return False
        opening = self.state.main_opening
        if (opening is not None and opening.reply.status in (401, 403)) or (opening is None and self.http.throttled):
            self.skipped(check_id, reason)
        else:
            self.errored(check_id, reason)
        return True
