"""Protocol probe: active, read-only HTTP checks of how an MCP server guards its transport.

**Threat.** An MCP server reachable over HTTP is attacked through its transport, not its tool descriptions:
anyone on the network reads plain-HTTP traffic (bearer tokens and session ids included); a server that
answers without credentials lets anyone who can reach it drive its tools; a local server that accepts any
``Origin`` or ``Host`` header can be driven by a web page the user visits, through DNS rebinding; a wildcard
``Access-Control-Allow-Origin`` lets any web site read its answers; without a ``WWW-Authenticate`` challenge
and RFC 9728 / RFC 8414 metadata clients cannot find the authorization server, and without PKCE ``S256``
an intercepted authorization code becomes a token; guessable session ids, ids in URLs and unknown ids that
are not refused let another client act in the user's session; a server that answers invalid JSON-RPC as a
success does not validate its input; and one without rate limiting can be flooded or brute-forced. These
are the MCP specification's Security Best Practices and Authorization requirements, tested against the
running server.

**How it runs.** Only with ``mcts scan URL --protocol-probe`` (API: ``"protocol_probe": true``), against
an ``http(s)://`` target, after the inventory is collected. Sixteen checks, ``PRB001`` to ``PRB016``, each
recorded in the report's ``probe.checks`` as pass, fail (with a finding from this analyzer), skipped (with
the reason) or error (the server could not be reached: the scan is then incomplete). The probe is
read-only: it lists tools, sends ``ping``, posts deliberately invalid messages, and calls a tool only when
its annotations say ``readOnlyHint: true`` and it takes no required argument. It sends at most 60
requests (a burst of at most 30 ``ping``, five at a time, for the rate-limit check), reads at most 256 KiB
of any answer, waits ``request_timeout`` per request, and closes (DELETE) every session it opened.
``docs/probe.md`` describes every check: what it sends, what fails it, and its severity.

**Severity.** Plain HTTP to a remote host is high. Unauthenticated listing or calling is high on a network
address and low on loopback (a local development server). A hostile ``Origin`` accepted is high when the
server also answers without credentials (any web page can then drive it), medium otherwise; a hostile
``Host`` accepted is medium on loopback, low elsewhere. Wildcard or reflected CORS is high when the server
answers without credentials or allows credentials for a reflected origin, medium otherwise. Missing
discovery metadata is medium (low for a challenge without a Bearer scheme or ``resource_metadata``, and for
authorization-server metadata with a wrong issuer or no endpoints); an authorization server that lists
PKCE methods without ``S256`` is high, one that lists none is medium. Session weaknesses are medium (low
for an unknown id refused with another status than 404 or never answered, and for a session id in a URL
on loopback). Invalid JSON-RPC processed is medium, accepted without an answer low. Missing rate limiting
is low, with low confidence: many servers leave throttling to a gateway in front of them.

**Example.** server-everything over streamable HTTP on ``127.0.0.1``: it answers ``initialize`` sent with
``Origin: https://attacker.example`` and ``Host: attacker.example``, sends
``Access-Control-Allow-Origin: *``, lists and calls tools without credentials, answers an unknown
``Mcp-Session-Id`` with 400 instead of 404 and serves a burst of 30 requests without throttling.

**Fix.** Serve remote MCP over HTTPS; require authorization on every request (OAuth 2.1 as the MCP
authorization specification describes) and answer 401 with ``WWW-Authenticate: Bearer
resource_metadata="…"``; publish RFC 9728 protected-resource metadata and RFC 8414 authorization-server
metadata listing ``S256``; validate ``Origin`` and ``Host`` on every request; drop CORS headers or allow
only exact origins; issue session ids of 128 random bits, only in the ``Mcp-Session-Id`` header, and answer
unknown ids with 404; reject invalid JSON-RPC with -32700 / -32600; and answer bursts with 429 and
``Retry-After``.
"""

from __future__ import annotations

from typing import ClassVar

from mcts.analyzers.base import Analyzer, Stage
from mcts.model.finding import Confidence, Severity


class ProtocolProbe(Analyzer):
    """Metadata of the protocol probe's findings; the checks themselves live in ``mcts.probe``."""

    id = "protocol-probe"
    title = "Protocol probe (active HTTP checks)"
    techniques = (
        "plaintext-transport",
        "unauthenticated-access",
        "origin-validation-missing",
        "cors-wildcard",
        "auth-discovery-missing",
        "pkce-not-supported",
        "weak-session-handling",
        "jsonrpc-validation-missing",
        "rate-limit-missing",
    )
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    stage: ClassVar[Stage] = "probe"
