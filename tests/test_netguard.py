"""The network guard and the pinned transport, against real HTTP(S) servers on loopback addresses.

The servers bind 127.0.0.1 and, where a second address is needed to tell two servers apart, 127.0.0.2 (also
loopback: nothing is exposed). Host names resolve through injected resolvers; an ``AddressPolicy`` exception
lets the "public" side of a test be one of those loopback servers, while every other loopback address stays
refused by the default rules.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from mcts.net import PinnedTransport, http_client
from mcts.netguard import (
    AddressPolicy,
    BlockedAddressError,
    InvalidHostError,
    IPAddress,
    NetworkGuard,
    UnresolvableHostError,
    normalize_host,
    parse_ip_literal,
)
from mcts.options import ScanOptions

pytestmark = pytest.mark.anyio
ALLOW_SETTING = "MCTS_API_ALLOW_PRIVATE_TARGETS"


def ip(text: str) -> IPAddress:
    return ipaddress.ip_address(text)


def allow(*networks: str) -> AddressPolicy:
    return AddressPolicy(allow=tuple(ipaddress.ip_network(n) for n in networks))


# --- classification -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"), ("::1", "loopback"),
        ("10.0.0.1", "private (RFC 1918)"), ("172.31.255.255", "private (RFC 1918)"), ("192.168.0.1", "private"),
        ("fc00::1", "unique local"), ("fd12:3456::1", "unique local"),
        ("169.254.1.1", "link-local"), ("fe80::1", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"), ("100.127.255.254", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"), ("::", "unspecified"), ("0.1.2.3", "unspecified"),
        ("224.0.0.251", "multicast"), ("239.255.255.250", "multicast"), ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"), ("255.255.255.255", "reserved"),
        ("169.254.169.254", "cloud metadata"), ("fd00:ec2::254", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"), ("168.63.129.16", "cloud metadata"), ("169.254.170.2", "cloud metadata"),
        ("192.0.2.1", "documentation"), ("2001:db8::1", "documentation"), ("198.18.0.1", "benchmarking"),
        ("::ffff:127.0.0.1", "IPv4 127.0.0.1 inside IPv6: loopback"),
        ("::ffff:169.254.169.254", "inside IPv6: cloud metadata"),
        ("64:ff9b::10.0.0.1", "inside IPv6: private"),
        ("2002:a9fe:a9fe::1", "inside IPv6: cloud metadata"),  # 6to4 of 169.254.169.254
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
        ("::127.0.0.1", "reserved"),  # IPv4-compatible (deprecated)
        ("64:ff9b:1::1", "local-use NAT64"),
        ("4000::1", "outside IPv6 global unicast"),
    ],
)
def test_refused_addresses_carry_their_reason(address: str, reason: str) -> None:
    found = AddressPolicy().blocked_reason(ip(address))
    assert found is not None
    assert reason in found


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_addresses_pass(address: str) -> None:
    assert AddressPolicy().blocked_reason(ip(address)) is None


def test_policy_exceptions_open_exactly_what_they_name() -> None:
    policy = allow("127.0.0.2/32")
    assert policy.blocked_reason(ip("127.0.0.2")) is None
    assert policy.blocked_reason(ip("::ffff:127.0.0.2")) is None  # the same address, written in IPv6
    assert policy.blocked_reason(ip("127.0.0.1")) == "loopback"
    assert policy.blocked_reason(ip("::1")) == "loopback"


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("127.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"),
        ("1.2.3", "1.2.0.3"), ("0", "0.0.0.0"), ("0x", "0.0.0.0"), ("::1", "::1"), ("::ffff:7f00:1", "::ffff:7f00:1"),
    ],
)
def test_ip_literals_in_every_resolver_form(host: str, address: str) -> None:
    assert parse_ip_literal(host) == ip(address)


@pytest.mark.parametrize("host", ["example.com", "mcp.internal", "0xg.com", "a-1.b_2.test", "xn--mnchen-3ya.de"])
def test_names_are_not_literals(host: str) -> None:
    assert parse_ip_literal(host) is None


@pytest.mark.parametrize(
    "host", ["08.0.0.1", "256.0.0.1", "1.2.3.4.5", "1.2.3.256", "1.16777216", "foo.123", "fe80::1%eth0", "::g"]
)
def test_malformed_numbers_are_refused_not_resolved(host: str) -> None:
    with pytest.raises(InvalidHostError):
        parse_ip_literal(host)


def test_host_normalisation() -> None:
    assert normalize_host("[::1]") == "::1"
    assert normalize_host("Example.COM.") == "example.com"
    for bad in ("", ".", "a" * 254, "exa mple.com", "münchen.de", "a..b", "-a.com", "a/b", "user@host"):
        with pytest.raises(InvalidHostError):
            normalize_host(bad)


# --- the guard --------------------------------------------------------------------------------------------------


def table(answers: dict[str, Sequence[str]]) -> Callable[[str], list[IPAddress]]:
    def resolve(host: str) -> list[IPAddress]:
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [ip(a) for a in answers[host]]

    return resolve


def test_the_guard_checks_every_address_of_a_name() -> None:
    guard = NetworkGuard(table({"pub.test": ["93.184.216.34", "2606:4700::1111"], "bad.test": ["8.8.8.8", "10.0.0.7"],
                                "empty.test": []}))
    assert guard.check("PUB.test.") == (ip("93.184.216.34"), ip("2606:4700::1111"))
    with pytest.raises(BlockedAddressError, match=r"'bad.test', which resolves to 10\.0\.0\.7") as blocked:
        guard.check("bad.test")
    assert ALLOW_SETTING in str(blocked.value)
    with pytest.raises(UnresolvableHostError, match="Name or service not known"):
        guard.check("nowhere.test")
    with pytest.raises(UnresolvableHostError, match="no addresses"):
        guard.check("empty.test")
    with pytest.raises(BlockedAddressError, match="localhost name"):
        guard.check("db.localhost")  # never sent to the resolver


async def test_a_hung_resolver_times_out_and_nothing_is_connected() -> None:
    release = threading.Event()

    def hang(host: str) -> list[IPAddress]:
        release.wait(10)
        return [ip("93.184.216.34")]

    try:
        with pytest.raises(UnresolvableHostError, match="timed out"):
            await NetworkGuard(hang).acheck("slow.test", timeout=0.2)
    finally:
        release.set()


# --- real servers -----------------------------------------------------------------------------------------------


@dataclass
class Server:
    """A running test HTTP(S) server: its name, address, port and the requests (path, Host, SNI) it saw."""

    name: str
    address: str
    port: int
    seen: list[dict[str, str | None]] = field(default_factory=list)


@contextmanager
def serve(name: str, address: str, port: int = 0, tls: ssl.SSLContext | None = None) -> Iterator[Server]:
    """Serve ``/`` (answers with the server's name and the Host it saw) and ``/redirect?to=URL`` (a 302)."""
    server_info = Server(name, address, port)
    sni: dict[str, str | None] = {"name": None}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server_info.seen.append({"path": self.path, "host": self.headers.get("Host"), "sni": sni["name"]})
            query = parse_qs(urlsplit(self.path).query)
            if self.path.startswith("/redirect"):
                self.send_response(302)
                self.send_header("Location", query["to"][0])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = json.dumps({"server": name, "host": self.headers.get("Host")}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer((address, port), Handler)
    if tls is not None:
        tls.sni_callback = lambda _sock, server_name, _ctx: sni.update(name=server_name)  # type: ignore[assignment]
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    server_info.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server_info
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@contextmanager
def two_servers_one_port() -> Iterator[tuple[Server, Server]]:
    """Server "A" on 127.0.0.2 and server "B" on 127.0.0.1, on the same port."""
    for _attempt in range(20):
        with serve("A", "127.0.0.2") as first:
            try:
                second_context = serve("B", "127.0.0.1", first.port)
                second = second_context.__enter__()
            except OSError:
                continue
            try:
                yield first, second
            finally:
                second_context.__exit__(None, None, None)
            return
    pytest.fail("no port was free on both 127.0.0.1 and 127.0.0.2")


def guarded(resolver: Callable[[str], Sequence[IPAddress]], policy: AddressPolicy | None = None) -> NetworkGuard:
    return NetworkGuard(resolver, policy)


async def test_a_local_server_is_refused_with_blocking_on_and_reached_with_it_off() -> None:
    with serve("local", "127.0.0.1") as server:
        for url in (f"http://127.0.0.1:{server.port}/", f"http://localhost:{server.port}/",
                    f"http://2130706433:{server.port}/", f"http://[::ffff:127.0.0.1]:{server.port}/"):
            async with http_client(ScanOptions(block_private_addresses=True)) as client:
                with pytest.raises(BlockedAddressError) as blocked:
                    await client.get(url)
            assert ALLOW_SETTING in str(blocked.value)
            assert isinstance(blocked.value, httpx2.ConnectError)  # callers' httpx error handling still applies
            assert blocked.value.request.url == httpx2.URL(url)
        assert server.seen == []
        async with http_client(ScanOptions(block_private_addresses=False)) as client:
            response = await client.get(f"http://127.0.0.1:{server.port}/")
        assert response.json()["server"] == "local"


async def test_a_name_resolving_to_loopback_is_refused() -> None:
    with serve("local", "127.0.0.1") as server:
        guard = guarded(table({"mcp.example.test": ["127.0.0.1"]}))
        async with http_client(ScanOptions(), guard=guard) as client:
            with pytest.raises(BlockedAddressError, match=r"resolves to 127\.0\.0\.1"):
                await client.get(f"http://mcp.example.test:{server.port}/")
        assert server.seen == []


async def test_the_pinned_request_keeps_its_host_name_and_headers() -> None:
    with serve("public", "127.0.0.1") as server:
        guard = guarded(table({"public.test": ["127.0.0.1"]}), allow("127.0.0.1/32"))
        async with http_client(ScanOptions(bearer_token="tok-123"), guard=guard) as client:
            response = await client.get(f"http://public.test:{server.port}/mcp?x=1")
        assert response.status_code == 200
        assert response.json() == {"server": "public", "host": f"public.test:{server.port}"}
        assert response.request.url == httpx2.URL(f"http://public.test:{server.port}/mcp?x=1")
        assert server.seen == [{"path": "/mcp?x=1", "host": f"public.test:{server.port}", "sni": None}]


async def test_redirects_to_blocked_addresses_are_refused() -> None:
    with serve("public", "127.0.0.1") as public, serve("internal", "127.0.0.2") as internal:
        resolver = table(
            {"public.test": ["127.0.0.1"], "internal.test": ["127.0.0.2"], "meta.test": ["169.254.169.254"]}
        )
        guard = guarded(resolver, allow("127.0.0.1/32"))
        targets = [f"http://127.0.0.2:{internal.port}/", f"http://internal.test:{internal.port}/", "http://meta.test/",
                   "http://169.254.169.254/latest/meta-data/", f"http://[::1]:{internal.port}/"]
        for target in targets:
            async with http_client(ScanOptions(), guard=guard, follow_redirects=True) as client:
                with pytest.raises(BlockedAddressError, match=ALLOW_SETTING):
                    await client.get(f"http://public.test:{public.port}/redirect", params={"to": target})
        assert internal.seen == []
        assert len(public.seen) == len(targets)
        async with http_client(ScanOptions(), follow_redirects=True) as unguarded:  # the control: unguarded, it lands
            response = await unguarded.get(f"http://127.0.0.1:{public.port}/redirect", params={"to": targets[0]})
        assert response.json()["server"] == "internal"


async def test_a_second_dns_answer_cannot_move_the_connection() -> None:
    answers = iter([["127.0.0.2"], ["127.0.0.1"]])
    asked: list[str] = []

    def rebinding(host: str) -> list[IPAddress]:
        asked.append(host)
        return [ip(a) for a in next(answers)]

    with two_servers_one_port() as (checked, other):
        guard = guarded(rebinding, allow("127.0.0.2/32"))
        async with http_client(ScanOptions(), guard=guard) as client:
            response = await client.get(f"http://rebind.test:{checked.port}/")
            assert response.json() == {"server": "A", "host": f"rebind.test:{checked.port}"}
            assert asked == ["rebind.test"]  # one answer, checked, then connected to
            with pytest.raises(BlockedAddressError, match=r"resolves to 127\.0\.0\.1"):
                await client.get(f"http://rebind.test:{checked.port}/")  # the rebound answer is checked too
        assert len(checked.seen) == 1
        assert other.seen == []


async def test_every_checked_address_is_tried_in_order() -> None:
    with serve("second", "127.0.0.1") as server:
        guard = guarded(table({"multi.test": ["127.0.0.3", "127.0.0.1"]}), allow("127.0.0.0/8"))
        async with http_client(ScanOptions(), guard=guard) as client:
            response = await client.get(f"http://multi.test:{server.port}/")
        assert response.json()["server"] == "second"  # nothing listens on 127.0.0.3: the next checked one is used


# --- TLS: SNI and the certificate are the name's, the socket goes to the checked address ---------------------------


def _certificate(tmp_path: Path, name: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for ``name``: (server context, client context trusting only it)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / f"{name}.crt", tmp_path / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


async def test_tls_names_the_host_while_connecting_to_the_checked_address(tmp_path: Path) -> None:
    server_tls, client_tls = _certificate(tmp_path, "secure.test")
    with serve("tls", "127.0.0.1", tls=server_tls) as server:
        guard = guarded(table({"secure.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]}), allow("127.0.0.1/32"))
        async with httpx2.AsyncClient(transport=PinnedTransport(guard, verify=client_tls)) as client:
            response = await client.get(f"https://secure.test:{server.port}/")
            assert response.json() == {"server": "tls", "host": f"secure.test:{server.port}"}
            assert server.seen[-1]["sni"] == "secure.test"
            with pytest.raises(httpx2.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                await client.get(f"https://other.test:{server.port}/")  # same address, certificate not for it
        assert len(server.seen) == 1


# --- the MCP SDK over the guarded clients -------------------------------------------------------------------------


async def test_live_collection_is_refused_when_blocking_is_on(rich_http: tuple[str, str]) -> None:
    from mcts.engine import scan_async
    from mcts.model.report import ScanStatus

    transport, url = rich_http
    options = ScanOptions(timeout=30, transport=transport, block_private_addresses=True)  # type: ignore[arg-type]
    report = await scan_async(url, options)
    assert report.status is ScanStatus.INCOMPLETE
    assert report.inventory.tools == ()
    assert any("BlockedAddressError" in r and ALLOW_SETTING in r for r in report.status_reasons)


async def test_the_sdk_reaches_an_allowed_server_through_the_pinned_transport(rich_http: tuple[str, str]) -> None:
    from contextlib import AsyncExitStack

    from mcp import Client
    from mcp.client.sse import sse_client
    from mcp.client.streamable_http import streamable_http_client

    from mcts.net import mcp_client_factory
    from tests.servers import rich_server as rich

    transport, url = rich_http  # the SDK server checks Host (DNS-rebinding protection): keep its own address
    checked: list[str] = []

    class CountingGuard(NetworkGuard):
        async def acheck(self, host: str, *, timeout: float | None = None) -> tuple[IPAddress, ...]:
            checked.append(host)
            return await super().acheck(host, timeout=timeout)

    guard = CountingGuard(policy=allow("127.0.0.1/32"))
    options = ScanOptions(timeout=30)
    async with AsyncExitStack() as stack:
        if transport == "sse":
            sdk_transport = sse_client(url, httpx_client_factory=mcp_client_factory(options, guard=guard))
        else:
            http = await stack.enter_async_context(http_client(options, guard=guard))
            sdk_transport = streamable_http_client(url, http_client=http)
        async with Client(sdk_transport, cache=None) as client:
            tools = await client.list_tools()
            assert client.server_info is not None
            assert client.server_info.name == rich.SERVER_NAME
    assert len(tools.tools) == rich.PAGE_SIZE
    assert len(checked) >= 2  # the handshake and the listing each went through the guard
    assert set(checked) == {"127.0.0.1"}


async def test_a_guarded_client_ignores_proxies_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with serve("direct", "127.0.0.1") as server:
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, "http://127.0.0.1:9")  # a proxy would resolve the host itself: never used
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        guard = guarded(table({"direct.test": ["127.0.0.1"]}), allow("127.0.0.1/32"))
        async with http_client(ScanOptions(), guard=guard) as client:
            response = await client.get(f"http://direct.test:{server.port}/")
        assert response.json() == {"server": "direct", "host": f"direct.test:{server.port}"}
