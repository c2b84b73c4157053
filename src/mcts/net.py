"""HTTP clients for everything mcts sends to a scanned server (live collection over HTTP, the protocol probe).

One place builds them, so one place enforces the network policy: with ``options.block_private_addresses``
(set by the API unless the operator allows private targets) every request, redirects included, is resolved,
checked against the blocked address ranges (:mod:`mcts.netguard`) and sent to the very address that was
checked — the URL keeps its host name, so the ``Host`` header, TLS SNI and the certificate check are those of
the name, while the socket goes to the checked IP. A refused request raises
:class:`mcts.netguard.BlockedAddressError` (an ``httpx2.ConnectError``) naming ``MCTS_API_ALLOW_PRIVATE_TARGETS``.
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING, Any

import httpx2

from mcts.netguard import AddressRefused, IPAddress, NetworkGuard

if TYPE_CHECKING:
    from mcts.options import ScanOptions


def http_client(
    options: ScanOptions,
    *,
    headers: dict[str, str] | None = None,
    timeout: httpx2.Timeout | None = None,
    auth: httpx2.Auth | None = None,
    follow_redirects: bool = False,
    guard: NetworkGuard | None = None,
) -> httpx2.AsyncClient:
    """An ``httpx2.AsyncClient`` for a scanned server under ``options``' network policy.

    ``headers`` default to ``options.http_headers()`` (bearer token included); pass ``{}`` to send none.
    ``guard`` replaces the default :class:`~mcts.netguard.NetworkGuard` (tests inject a resolver or an address
    exception); giving one turns the guard on even when ``options.block_private_addresses`` is off.
    A guarded client never goes through a proxy from the environment (the proxy would resolve the host).
    """
    kwargs: dict[str, Any] = {
        "headers": options.http_headers() if headers is None else headers,
        "timeout": timeout or httpx2.Timeout(options.request_timeout, read=options.timeout),
        "follow_redirects": follow_redirects,
    }
    if auth is not None:
        kwargs["auth"] = auth
    if guard is None and options.block_private_addresses:
        guard = NetworkGuard()
    if guard is not None:
        kwargs["transport"] = PinnedTransport(guard)
    return httpx2.AsyncClient(**kwargs)


def mcp_client_factory(options: ScanOptions, *, guard: NetworkGuard | None = None) -> Any:
    """An ``McpHttpClientFactory`` (for the SDK's SSE client) that builds clients with :func:`http_client`."""

    def factory(
        headers: dict[str, str] | None = None, timeout: httpx2.Timeout | None = None, auth: httpx2.Auth | None = None
    ) -> httpx2.AsyncClient:
        return http_client(options, headers=headers or {}, timeout=timeout, auth=auth, guard=guard)

    return factory


class PinnedTransport(httpx2.AsyncBaseTransport):
    """Resolve and check every request's host with a guard; connect to the checked IP, keeping the name.

    The request keeps its URL host for the ``Host`` header, TLS SNI and the certificate check; only the
    socket goes to the address the guard returned, so a second DNS answer can never be the one connected to.
    Connections are pooled per host name (one inner transport each): a connection whose certificate was
    verified for one name is never reused for another name that happens to share its address.
    """

    def __init__(self, guard: NetworkGuard, *, verify: ssl.SSLContext | bool = True) -> None:
        self.guard = guard
        self._verify = verify
        self._by_host: dict[str, httpx2.AsyncHTTPTransport] = {}

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Check ``request``'s host, then send it to the first checked address that accepts a connection."""
        host = request.url.raw_host.decode("ascii")
        connect_timeout = request.extensions.get("timeout", {}).get("connect")
        try:
            addresses = await self.guard.acheck(host, timeout=connect_timeout)
        except AddressRefused as exc:
            exc.request = request
            raise
        inner = self._by_host.get(host)
        if inner is None:
            inner = self._by_host[host] = httpx2.AsyncHTTPTransport(verify=self._verify)
        failure: httpx2.ConnectError | None = None
        for address in addresses:  # every one was checked; nothing was sent when a connect fails
            try:
                return await inner.handle_async_request(_pinned(request, host, address))
            except httpx2.ConnectError as exc:
                failure = exc
        assert failure is not None
        failure.request = request
        raise failure

    async def aclose(self) -> None:
        """Close every inner transport."""
        inners, self._by_host = list(self._by_host.values()), {}
        for inner in inners:
            await inner.aclose()


def _pinned(request: httpx2.Request, host: str, address: IPAddress) -> httpx2.Request:
    """``request`` sent to ``address``: same headers (``Host`` included) and body; TLS names the original host."""
    extensions = dict(request.extensions)
    if request.url.scheme == "https" and str(address) != host.strip("[]"):
        extensions["sni_hostname"] = host
    return httpx2.Request(
        request.method,
        request.url.copy_with(host=str(address)),
        headers=request.headers,
        stream=request.stream,
        extensions=extensions,
    )
