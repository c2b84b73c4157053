"""The protocol probe's checks: a stable id each, what a pass means, and how a failure is reported.

Ids never change meaning: a new check gets a new id. ``field`` is the ``Location.field`` (surface ``server``)
of the finding a failed check produces, so one check's findings group together in every report format.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """One probe check's metadata."""

    id: str
    title: str
    """What the check verifies (reads as the passing state)."""
    failure: str
    """The title of the finding a failure produces."""
    technique: str
    """Technique id (taxonomy) of that finding."""
    field: str
    """``Location.field`` of that finding."""


CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec("PRB001", "Encrypted transport to remote hosts", "MCP over plain HTTP to a remote host",
              "plaintext-transport", "transport.scheme"),
    CheckSpec("PRB002", "Listing tools requires authentication", "Tools listed without authentication",
              "unauthenticated-access", "auth.listing"),
    CheckSpec("PRB003", "Calling a tool requires authentication", "Tool called without authentication",
              "unauthenticated-access", "auth.call"),
    CheckSpec("PRB004", "Foreign Origin refused", "Hostile Origin header accepted (DNS rebinding)",
              "origin-validation-missing", "transport.origin"),
    CheckSpec("PRB005", "Foreign Host refused", "Hostile Host header accepted (DNS rebinding)",
              "origin-validation-missing", "transport.host"),
    CheckSpec("PRB006", "No wildcard or reflected CORS", "Wildcard or reflected CORS on the MCP endpoint",
              "cors-wildcard", "transport.cors"),
    CheckSpec("PRB007", "401 carries a Bearer challenge with resource_metadata",
              "401 without a usable WWW-Authenticate challenge", "auth-discovery-missing", "auth.www_authenticate"),
    CheckSpec("PRB008", "Protected-resource metadata published (RFC 9728)",
              "Protected-resource metadata missing or invalid", "auth-discovery-missing",
              "auth.protected_resource_metadata"),
    CheckSpec("PRB009", "Authorization-server metadata published (RFC 8414 / OpenID discovery)",
              "Authorization-server metadata missing or invalid", "auth-discovery-missing",
              "auth.authorization_server_metadata"),
    CheckSpec("PRB010", "PKCE S256 advertised by the authorization server",
              "Authorization server does not advertise PKCE S256", "pkce-not-supported", "auth.pkce"),
    CheckSpec("PRB011", "Unknown session id answered 404", "Unknown session id not answered with 404",
              "weak-session-handling", "session.unknown_id"),
    CheckSpec("PRB012", "Session ids unpredictable", "Guessable session ids", "weak-session-handling",
              "session.entropy"),
    CheckSpec("PRB013", "Session ids kept out of URLs", "Session id carried in a URL", "weak-session-handling",
              "session.url"),
    CheckSpec("PRB014", "Malformed JSON refused", "Malformed JSON answered as success", "jsonrpc-validation-missing",
              "jsonrpc.malformed"),
    CheckSpec("PRB015", "Messages that are not JSON-RPC 2.0 refused", "Invalid JSON-RPC message answered as success",
              "jsonrpc-validation-missing", "jsonrpc.invalid"),
    CheckSpec("PRB016", "Bursts throttled", "No rate limiting under a short burst", "rate-limit-missing",
              "transport.rate_limit"),
)

BY_ID: dict[str, CheckSpec] = {spec.id: spec for spec in CHECKS}
