"""Authorization discovery: protected-resource metadata (PRB008), authorization server (PRB009), PKCE (PRB010).

They apply only to a server that refused a request without credentials.

Metadata is fetched without any credentials (it is public by definition: the bearer token never goes to a
metadata URL). A URL on the target's own host is always followed. One on another host is followed only
over https and never to an address literal outside public address space; the connection goes through the
same HTTP client as every other, so the API's private-address policy checks it after DNS resolution.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any
from urllib.parse import urlsplit

from mcts.model.finding import Severity
from mcts.probe._context import ProbeContext
from mcts.probe._http import Reply
from mcts.probe.checks_auth import requires_auth
from mcts.text.escape import escape_text

PRM_PATH = "/.well-known/oauth-protected-resource"
AS_PATH = "/.well-known/oauth-authorization-server"
OIDC_PATH = "/.well-known/openid-configuration"
NO_AUTH = "the server does not require authorization (see PRB002), so it needs no discovery metadata"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.rpartition('@')[2]}"


def protected_resource_urls(url: str) -> list[str]:
    """RFC 9728 well-known URLs for the resource ``url``: path-suffixed first, then the root form."""
    path = urlsplit(url).path.rstrip("/")
    urls = [_origin(url) + PRM_PATH + path] if path else []
    return [*urls, _origin(url) + PRM_PATH]


def authorization_server_urls(issuer: str) -> list[str]:
    """Metadata URLs for ``issuer``: RFC 8414 (path inserted), then OpenID discovery (inserted, appended)."""
    path = urlsplit(issuer).path.rstrip("/")
    origin = _origin(issuer)
    if not path:
        return [origin + AS_PATH, origin + OIDC_PATH]
    return [origin + AS_PATH + path, origin + OIDC_PATH + path, origin + path + OIDC_PATH]


def _normal(url: str) -> tuple[str, str, int | None, str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port if parts.port not in ({"http": 80, "https": 443}.get(scheme), None) else None
    return scheme, (parts.hostname or "").lower(), port, parts.path.rstrip("/")


def names_resource(resource: str, url: str) -> bool:
    """Whether the metadata's ``resource`` identifies ``url``: the same origin and the same path or a parent."""
    r_scheme, r_host, r_port, r_path = _normal(resource)
    u_scheme, u_host, u_port, u_path = _normal(url)
    if (r_scheme, r_host, r_port) != (u_scheme, u_host, u_port):
        return False
    return u_path == r_path or u_path.startswith(r_path + "/")


def follow_refusal(ctx: ProbeContext, url: str) -> str | None:
    """Why ``url`` (named by the server) is not fetched, or None when it may be."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "it is not an http(s) URL"
    if parts.hostname.lower() == ctx.host.lower():
        return None
    if parts.scheme.lower() != "https":
        return "it is on another host over plain http"
    try:
        if not ipaddress.ip_address(parts.hostname.strip("[]")).is_global:
            return "it is a non-public address on another host"
    except ValueError:
        pass
    return None


async def _fetch(ctx: ProbeContext, url: str) -> tuple[Reply, dict[str, Any] | None]:
    reply = await ctx.http.send("GET", url, anonymous=True, headers={"Accept": "application/json"},
                                reserve=ctx.channel.cleanup_cost())
    if reply.status != 200 or reply.truncated:
        return reply, None
    try:
        document = json.loads(reply.body)
    except ValueError:
        return reply, None
    return reply, document if isinstance(document, dict) else None


def prm_problems(document: dict[str, Any], url: str) -> list[str]:
    """What makes a protected-resource metadata document unusable for the MCP server at ``url``."""
    problems = []
    resource = document.get("resource")
    if not isinstance(resource, str):
        problems.append("it has no resource field")
    elif not names_resource(resource, url):
        problems.append(f"its resource {escape_text(resource, limit=200)!r} does not identify this server")
    servers = document.get("authorization_servers")
    if not isinstance(servers, list) or not servers or not all(
        isinstance(s, str) and urlsplit(s).scheme in ("http", "https") for s in servers
    ):
        problems.append("it lists no authorization server URL (authorization_servers)")
    return problems


def _not_needed(ctx: ProbeContext) -> str | None:
    """Why discovery metadata is not checked, or None when the server requires authorization."""
    if ctx.state.anonymous is None:
        return "no request without credentials was answered (see PRB002), so it is unknown whether any is needed"
    return None if requires_auth(ctx) else NO_AUTH


async def check_protected_resource(ctx: ProbeContext) -> None:
    """PRB008: RFC 9728 metadata, from the challenge's URL or the well-known paths."""
    if reason := _not_needed(ctx):
        ctx.skipped("PRB008", reason)
        return
    tried: list[str] = []
    candidates = []
    named = ctx.state.resource_metadata
    if named is not None:
        why_not = follow_refusal(ctx, named)
        if why_not:
            tried.append(f"{named} (named by the challenge) not fetched: {why_not}")
        else:
            candidates.append(named)
    for url in dict.fromkeys([*candidates, *protected_resource_urls(ctx.url)]):
        reply, document = await _fetch(ctx, url)
        if document is None:
            tried.append(f"{url}: {reply.describe()}")
            continue
        problems = prm_problems(document, ctx.url)
        if problems:
            ctx.failed("PRB008", severity=Severity.MEDIUM,
                       evidence=f"the protected-resource metadata at {urlsplit(url).path} is unusable: {problems[0]}",
                       detail="; ".join(problems) + ". Clients cannot find the authorization server from it.")
            return
        ctx.state.authorization_server = document["authorization_servers"][0]
        ctx.passed("PRB008", f"{url}: resource {document['resource']}, authorization servers "
                   f"{', '.join(document['authorization_servers'])}")
        return
    ctx.failed("PRB008", severity=Severity.MEDIUM, evidence="no protected-resource metadata (RFC 9728) was found",
               detail="Tried " + "; ".join(tried) + ". MCP servers that require authorization must publish it.")


def as_problems(document: dict[str, Any], issuer: str) -> list[str]:
    """What makes authorization-server metadata unusable for the authorization code flow."""
    problems = []
    found = document.get("issuer")
    if not isinstance(found, str) or found.rstrip("/") != issuer.rstrip("/"):
        problems.append(f"its issuer {escape_text(str(found), limit=200)!r} is not {issuer!r}")
    for key in ("authorization_endpoint", "token_endpoint"):
        if not isinstance(document.get(key), str):
            problems.append(f"it names no {key}")
    return problems


async def check_authorization_server(ctx: ProbeContext) -> None:
    """PRB009 and PRB010: the first authorization server's metadata, and PKCE S256 in it."""
    if reason := _not_needed(ctx):
        ctx.skipped("PRB009", reason)
        ctx.skipped("PRB010", reason)
        return
    issuer = ctx.state.authorization_server
    why_not = "no valid protected-resource metadata names one (see PRB008)" if issuer is None else (
        follow_refusal(ctx, issuer))
    if issuer is None or why_not:
        reason = f"the authorization server is not read: {why_not}"
        ctx.skipped("PRB009", reason)
        ctx.skipped("PRB010", reason)
        return
    tried = []
    for url in authorization_server_urls(issuer):
        reply, document = await _fetch(ctx, url)
        if document is None:
            tried.append(f"{url}: {reply.describe()}")
            continue
        problems = as_problems(document, issuer)
        if problems:
            ctx.failed("PRB009", severity=Severity.LOW,
                       evidence=f"the metadata of the authorization server {issuer} is invalid: {problems[0]}",
                       detail=f"{url}: " + "; ".join(problems))
        else:
            ctx.passed("PRB009", f"{url}: issuer {issuer}")
        _judge_pkce(ctx, document, issuer)
        return
    ctx.failed("PRB009", severity=Severity.MEDIUM,
               evidence=f"no metadata (RFC 8414 or OpenID discovery) was found for the authorization server {issuer}",
               detail="Tried " + "; ".join(tried) + ".")
    ctx.skipped("PRB010", "no authorization-server metadata to read (see PRB009)")


def _judge_pkce(ctx: ProbeContext, document: dict[str, Any], issuer: str) -> None:
    methods = document.get("code_challenge_methods_supported")
    if isinstance(methods, list) and "S256" in methods:
        ctx.passed("PRB010", f"{issuer} lists code_challenge_methods_supported {methods}")
    elif methods is None:
        ctx.failed("PRB010", severity=Severity.MEDIUM,
                   evidence=f"the metadata of {issuer} does not list code_challenge_methods_supported",
                   detail="PKCE support cannot be confirmed, and MCP clients must refuse to authorize without it.")
    else:
        shown = escape_text(str(methods), limit=200)
        ctx.failed("PRB010", severity=Severity.HIGH,
                   evidence=f"the authorization server {issuer} offers PKCE methods {shown} but not S256",
                   detail="Without S256 an intercepted authorization code can be exchanged for a token.")
