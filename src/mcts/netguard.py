"""The network guard: which addresses mcts refuses to reach, how a host name becomes checked addresses.

When the API scans a URL for an untrusted caller, mcts must not become a way into the network it runs in
(server-side request forgery). :class:`NetworkGuard` turns a host into addresses — IP literals in every form
a resolver accepts (``2130706433``, ``0x7f.1``, ``127.1``, ``[::ffff:127.0.0.1]``) are parsed here, names go
to the resolver — and refuses the host when *any* of its addresses is loopback, private, link-local, CGNAT,
unspecified, multicast, reserved, documentation-only or a cloud metadata endpoint, IPv4 embedded in IPv6
(mapped, NAT64, 6to4) included. ``localhost`` and ``*.localhost`` are loopback whatever the resolver says.

The check alone would leave a DNS-rebinding gap (the name could resolve again, differently, when the socket
connects); :mod:`mcts.net` closes it by connecting to the very address checked here (``PinnedTransport``).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import anyio
import anyio.to_thread
import httpx2

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str], Sequence[IPAddress]]
"""Turns a host name (ASCII, no trailing dot) into its addresses; raises ``OSError`` when it cannot."""

ALLOW_SETTING = "MCTS_API_ALLOW_PRIVATE_TARGETS"
MAX_HOST_CHARS = 253
DEFAULT_RESOLVE_TIMEOUT = 15.0

_V4_RANGES = (
    ("0.0.0.0/8", "unspecified"),
    ("10.0.0.0/8", "private (RFC 1918)"),
    ("100.64.0.0/10", "carrier-grade NAT (RFC 6598)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private (RFC 1918)"),
    ("192.0.0.0/24", "IETF protocol assignment"),
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "6to4 relay anycast"),
    ("192.168.0.0/16", "private (RFC 1918)"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
)
_V6_RANGES = (
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("64:ff9b:1::/48", "local-use NAT64"),
    ("::/8", "reserved"),
    ("100::/64", "discard-only"),
    ("2001::/32", "Teredo"),
    ("2001:2::/48", "benchmarking"),
    ("2001:10::/28", "ORCHID"),
    ("2001:20::/28", "ORCHIDv2"),
    ("2001:db8::/32", "documentation"),
    ("3fff::/20", "documentation"),
    ("fc00::/7", "unique local (private)"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local"),
    ("ff00::/8", "multicast"),
)
_METADATA = {
    "169.254.169.254": "AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle",
    "169.254.170.2": "AWS ECS task",
    "169.254.0.23": "Tencent Cloud",
    "100.100.100.200": "Alibaba Cloud",
    "192.0.0.192": "Oracle Cloud",
    "168.63.129.16": "Azure WireServer",
    "fd00:ec2::254": "AWS IPv6",
}
BLOCKED_RANGES: tuple[tuple[IPNetwork, str], ...] = tuple(
    (ipaddress.ip_network(net), label) for net, label in (*_V4_RANGES, *_V6_RANGES)
)
"""Every refused range with the reason shown in refusals, most specific first."""
METADATA_ADDRESSES: dict[IPAddress, str] = {ipaddress.ip_address(a): who for a, who in _METADATA.items()}
"""Cloud metadata and host-agent endpoints (refused even where their range alone would not be)."""
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")
_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_NUMBER = re.compile(r"^(?:[0-9]+|0[xX][0-9a-fA-F]*)$")


class AddressRefused(httpx2.ConnectError):
    """The guard refused to connect: the message says why and how the operator can allow it."""


class BlockedAddressError(AddressRefused):
    """The host is, or resolves to, an address in a refused range."""


class UnresolvableHostError(AddressRefused):
    """The host could not be resolved, so nothing could be checked and nothing was connected."""


class InvalidHostError(AddressRefused):
    """The host is not a valid name or address (empty, too long, a malformed number, an IPv6 zone)."""


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses are refused: all of :data:`BLOCKED_RANGES`, metadata addresses and non-global ones.

    ``allow`` lists exceptions, checked first (tests use one to reach their own loopback server; an embedder
    could open one internal host). The API builds the default policy: no exceptions.
    """

    allow: tuple[IPNetwork, ...] = ()

    def blocked_reason(self, address: IPAddress) -> str | None:
        """Why ``address`` is refused (``"loopback"``, ``"cloud metadata, AWS ECS task"``…), or ``None``."""
        if any(address.version == net.version and address in net for net in self.allow):
            return None
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            inner = self.blocked_reason(embedded)
            return None if inner is None else f"IPv4 {embedded} inside IPv6: {inner}"
        if address in METADATA_ADDRESSES:
            return f"cloud metadata, {METADATA_ADDRESSES[address]}"
        for net, label in BLOCKED_RANGES:
            if address.version == net.version and address in net:
                return label
        if isinstance(address, ipaddress.IPv6Address) and address not in _GLOBAL_UNICAST_V6:
            return "reserved (outside IPv6 global unicast 2000::/3)"
        return None if address.is_global else "not globally routable"


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped ``::ffff:a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def normalize_host(host: str) -> str:
    """The host as it is checked: lower case, no IPv6 brackets, no trailing dot; ``InvalidHostError`` if bad."""
    name = host.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name.endswith(".") and not name.endswith(".."):
        name = name[:-1]
    if not name or len(name) > MAX_HOST_CHARS:
        raise InvalidHostError(f"host {_show(host)} is empty or longer than {MAX_HOST_CHARS} characters")
    if not name.isascii() or any(c.isspace() or not c.isprintable() or c in "/\\@" for c in name):
        raise InvalidHostError(f"host {_show(host)} is not an ASCII host name (IDNA-encode it) or an IP address")
    if ":" not in name and not all(_valid_label(label) for label in name.split(".")):
        raise InvalidHostError(f"host {_show(host)} is not a valid host name")
    return name


def _valid_label(label: str) -> bool:
    """A DNS label of letters, digits, ``-`` and ``_``, 1 to 63 long; an ``xn--`` label must be valid punycode."""
    if not _LABEL.match(label):
        return False
    if label.startswith("xn--"):
        try:
            return bool(label[4:].encode("ascii").decode("punycode"))
        except UnicodeError:
            return False
    return True


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address ``host`` (normalized) spells, in any form a resolver accepts, or ``None`` for a name.

    IPv4 follows the URL standard's parser: one to four parts, each decimal, octal (leading ``0``) or hex
    (``0x``). A host whose last label is a number but which is no valid address is refused, not resolved.
    """
    if ":" in host:
        if "%" in host:
            raise InvalidHostError(f"host {_show(host)} has an IPv6 zone identifier; give a global address")
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise InvalidHostError(f"host {_show(host)} is not a valid IPv6 address") from None
    parts = host.split(".")
    if not _NUMBER.match(parts[-1]):
        return None
    value = _ipv4_number(parts)
    if value is None:
        raise InvalidHostError(f"host {_show(host)} looks like a numeric IPv4 address but is not a valid one")
    return ipaddress.IPv4Address(value)


def _ipv4_number(parts: list[str]) -> int | None:
    if len(parts) > 4 or not all(_NUMBER.match(p) for p in parts):
        return None
    numbers = []
    for part in parts:
        if part[:2].lower() == "0x":
            numbers.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            if any(c not in "01234567" for c in part):
                return None
            numbers.append(int(part, 8))
        else:
            numbers.append(int(part))
    *leading, last = numbers
    if any(n > 255 for n in leading) or last >= 256 ** (5 - len(numbers)):
        return None
    return sum(n << (8 * (3 - i)) for i, n in enumerate(leading)) + last


def system_resolver(host: str) -> tuple[IPAddress, ...]:
    """Every address ``getaddrinfo`` gives for ``host`` (IPv4 and IPv6, in the system's order of preference)."""
    infos = socket.getaddrinfo(host, None, family=socket.AF_UNSPEC, type=socket.SOCK_STREAM)
    return tuple(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos)


class NetworkGuard:
    """Resolves hosts and refuses those with any refused address; returns the checked addresses to connect to.

    ``resolver`` is injectable so tests can make a name resolve to what they need without a DNS server.
    """

    def __init__(self, resolver: Resolver = system_resolver, policy: AddressPolicy | None = None) -> None:
        self.resolver = resolver
        self.policy = policy or AddressPolicy()

    def check(self, host: str) -> tuple[IPAddress, ...]:
        """The checked addresses of ``host``, or an :class:`AddressRefused` saying why none may be used.

        Resolves names with the (blocking) resolver; async code uses :meth:`acheck`.
        """
        name, literal = self._literal(host)
        if literal is not None:
            return self._verdict(name, (literal,), literal=True)
        return self._verdict(name, self._resolve(name), literal=False)

    async def acheck(self, host: str, *, timeout: float | None = None) -> tuple[IPAddress, ...]:
        """:meth:`check` for async code: the resolver runs in a worker thread, bounded by ``timeout`` seconds."""
        name, literal = self._literal(host)
        if literal is not None:
            return self._verdict(name, (literal,), literal=True)
        try:
            with anyio.fail_after(timeout or DEFAULT_RESOLVE_TIMEOUT):
                found = await anyio.to_thread.run_sync(self._resolve, name, abandon_on_cancel=True)
        except TimeoutError:
            raise UnresolvableHostError(f"resolving host {_show(name)} timed out; nothing was connected") from None
        return self._verdict(name, found, literal=False)

    def _literal(self, host: str) -> tuple[str, IPAddress | None]:
        name = normalize_host(host)
        if name == "localhost" or name.endswith(".localhost"):
            raise BlockedAddressError(_blocked_message(name, None, "loopback: a localhost name", literal=False))
        return name, parse_ip_literal(name)

    def _resolve(self, name: str) -> tuple[IPAddress, ...]:
        try:
            found = tuple(dict.fromkeys(self.resolver(name)))
        except (OSError, UnicodeError, ValueError) as exc:
            detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
            raise UnresolvableHostError(
                f"cannot resolve host {_show(name)} ({detail}); nothing was connected"
            ) from None
        if not found:
            raise UnresolvableHostError(f"host {_show(name)} has no addresses; nothing was connected")
        return found

    def _verdict(self, name: str, addresses: Iterable[IPAddress], *, literal: bool) -> tuple[IPAddress, ...]:
        checked = tuple(addresses)
        for address in checked:
            reason = self.policy.blocked_reason(address)
            if reason is not None:
                raise BlockedAddressError(_blocked_message(name, address, reason, literal=literal))
        return checked


def _blocked_message(name: str, address: IPAddress | None, reason: str, *, literal: bool) -> str:
    if address is None:
        where = f"host {_show(name)}"
    elif literal:
        where = f"address {name}" if str(address) == name else f"address {_show(name)} (that is {address})"
    else:
        where = f"host {_show(name)}, which resolves to {address},"
    return (
        f"{where} is blocked ({reason}): mcts does not connect to loopback, private, link-local, CGNAT, "
        f"reserved or cloud-metadata addresses unless the operator sets {ALLOW_SETTING}=1"
    )


def _show(text: str, limit: int = 120) -> str:
    """``text`` quoted and escaped for a message, cut to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[:limit] + "…")
