"""HTTP clients for everything mcts sends to a scanned server (live collection over HTTP, the protocol probe).

One place builds them, so one place enforces the network policy: with ``options.block_private_addresses``
(set by the API unless the operator allows private targets) every request, redirects included, is resolved,
checked against the blocked address ranges and sent to the very address that was checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx2

    from mcts.options import ScanOptions


def http_client(
    options: ScanOptions,
    *,
    headers: dict[str, str] | None = None,
    timeout: httpx2.Timeout | None = None,
    auth: httpx2.Auth | None = None,
    follow_redirects: bool = False,
) -> httpx2.AsyncClient:
    """An ``httpx2.AsyncClient`` for a scanned server under ``options``' network policy.

    ``headers`` default to ``options.http_headers()`` (bearer token included); pass ``{}`` to send none.
    """
    import httpx2

    kwargs: dict[str, Any] = {
        "headers": options.http_headers() if headers is None else headers,
        "timeout": timeout or httpx2.Timeout(options.request_timeout, read=options.timeout),
        "follow_redirects": follow_redirects,
    }
    if auth is not None:
        kwargs["auth"] = auth
    return httpx2.AsyncClient(**kwargs)


def mcp_client_factory(options: ScanOptions) -> Any:
    """An ``McpHttpClientFactory`` (for the SDK's SSE client) that builds clients with :func:`http_client`."""

    def factory(
        headers: dict[str, str] | None = None, timeout: httpx2.Timeout | None = None, auth: httpx2.Auth | None = None
    ) -> httpx2.AsyncClient:
        return http_client(options, headers=headers or {}, timeout=timeout, auth=auth)

    return factory
