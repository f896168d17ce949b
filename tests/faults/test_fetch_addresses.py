"""The address guard: the address checked is the address connected to, and every
non-public form of an address is refused, however it is written."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpcore
import pytest

from bot.config import FetchConfig
from bot.errors import FetchError
from bot.fetch import Fetcher
from bot.netguard import is_public_address, network_transport
from tests.fakes.web import Recorder, reply, serve

GUARDED = FetchConfig(retries=0, timeout_s=5, replay_dir="")
PUBLIC = "93.184.215.14"  # a global address; the connector below never really goes there


class Resolver:
    """A DNS server under the attacker's control: a different answer on each question."""

    def __init__(self, *answers: list[str]) -> None:
        self._answers = list(answers)
        self.questions: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.questions.append(host)
        return self._answers[min(len(self.questions), len(self._answers)) - 1]


class Internet(httpcore.AsyncNetworkBackend):
    """Stands in for the internet: records the address asked for, connects to 127.0.0.1."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.asked: list[str] = []
        self._real = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[object] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.asked.append(host)
        return await self._real.connect_tcp("127.0.0.1", self.port, timeout=timeout)

    async def sleep(self, seconds: float) -> None:
        await self._real.sleep(seconds)


def _port(root: str) -> int:
    return int(root.rsplit(":", 1)[1])


async def test_dns_rebinding_is_refused_because_the_name_is_resolved_only_once() -> None:
    page = Recorder(reply(200, b"public page"))
    with serve({"/page": page}) as root:
        port = _port(root)
        resolver = Resolver([PUBLIC], ["127.0.0.1"])  # public when vetted, loopback after
        internet = Internet(port)
        transport = network_transport(False, resolver=resolver, connector=internet)
        async with Fetcher(GUARDED, transport=transport) as fetcher:
            fetched = await fetcher.get(f"http://rebind.example:{port}/page")
    assert fetched.content == b"public page"
    assert resolver.questions == ["rebind.example"], "asked once, never again"
    assert internet.asked == [PUBLIC], "connected to the address that was checked"
    assert page.requests[0]["host"] == f"rebind.example:{port}", "Host stays the name"


@pytest.mark.parametrize(
    "answer", [["127.0.0.1"], ["169.254.169.254"], [PUBLIC, "10.0.0.7"], ["::ffff:127.0.0.1"]]
)
async def test_a_name_resolving_to_any_private_address_is_refused_before_connecting(
    answer: list[str],
) -> None:
    internet = Internet(9)
    transport = network_transport(False, resolver=Resolver(answer), connector=internet)
    with pytest.raises(FetchError) as caught:
        async with Fetcher(GUARDED, transport=transport) as fetcher:
            await fetcher.get("http://inside.example/admin")
    assert caught.value.reason == "blocked_address"
    assert "allow_private_networks" in caught.value.detail
    assert internet.asked == []


async def test_a_redirect_to_a_name_resolving_privately_is_refused_at_that_hop() -> None:
    first = Recorder(reply(302, headers={"location": "http://metadata.example/latest"}))
    with serve({"/start": first}) as root:
        port = _port(root)
        resolver = Resolver([PUBLIC], ["169.254.169.254"])
        internet = Internet(port)
        transport = network_transport(False, resolver=resolver, connector=internet)
        with pytest.raises(FetchError) as caught:
            async with Fetcher(GUARDED, transport=transport) as fetcher:
                await fetcher.get(f"http://public.example:{port}/start")
    assert caught.value.reason == "blocked_address"
    assert caught.value.url == "http://metadata.example/latest", "refused at the hop"
    assert internet.asked == [PUBLIC]


@contextmanager
def tls_server(cert: Path, key: Path, seen_names: list[str | None]) -> Iterator[int]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            reply(200, b"over tls")(self)

        def log_message(self, format: str, *args: object) -> None:
            return None

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, name, _ctx: seen_names.append(name)  # type: ignore[assignment,misc,return-value]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for news.example (never for an IP address)."""
    openssl = shutil.which("openssl")
    assert openssl is not None, "openssl is needed to make a test certificate"
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=news.example", "-addext", "subjectAltName=DNS:news.example",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


async def test_tls_keeps_the_name_for_sni_and_certificate_while_connecting_to_the_vetted_ip(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust our certificate, and only it
    seen_names: list[str | None] = []
    with tls_server(cert, key, seen_names) as port:
        internet = Internet(port)
        transport = network_transport(False, resolver=Resolver([PUBLIC]), connector=internet)
        async with Fetcher(GUARDED, transport=transport) as fetcher:
            fetched = await fetcher.get(f"https://news.example:{port}/")
    assert fetched.content == b"over tls"
    assert seen_names == ["news.example"]
    assert internet.asked == [PUBLIC]


ADDRESSES = [
    # IPv4
    ("127.0.0.1", False),
    ("0.0.0.0", False),  # noqa: S104 (an address to refuse, not one to bind)
    ("10.1.2.3", False),
    ("172.16.0.1", False),
    ("192.168.1.1", False),
    ("169.254.169.254", False),  # cloud metadata
    ("100.64.0.1", False),  # carrier-grade NAT
    ("192.0.2.1", False),  # documentation
    ("198.18.0.1", False),  # benchmarking
    ("224.0.0.251", False),  # multicast
    ("240.0.0.1", False),  # reserved
    ("255.255.255.255", False),
    ("93.184.215.14", True),
    ("1.1.1.1", True),
    # IPv6, plain
    ("::", False),
    ("::1", False),
    ("fe80::1", False),  # link-local
    ("fe80::1%eth0", False),  # link-local with a zone
    ("fc00::1", False),  # unique local
    ("fd12:3456::1", False),  # unique local
    ("fec0::1", False),  # site-local (deprecated)
    ("ff02::1", False),  # multicast
    ("2001:db8::1", False),  # documentation
    ("2606:4700:4700::1111", True),
    # IPv6 wrapping IPv4
    ("::a9fe:a9fe", False),  # IPv4-compatible 169.254.169.254
    ("::8.8.8.8", False),  # IPv4-compatible, deprecated whatever it wraps
    ("::ffff:127.0.0.1", False),  # IPv4-mapped
    ("::ffff:a9fe:a9fe", False),  # IPv4-mapped metadata
    ("::ffff:8.8.8.8", True),
    ("64:ff9b::a9fe:a9fe", False),  # NAT64 of the metadata address
    ("64:ff9b::7f00:1", False),  # NAT64 of loopback
    ("64:ff9b::808:808", True),  # NAT64 of 8.8.8.8
    ("64:ff9b:1::1", False),  # local-use NAT64
    ("2002:a9fe:a9fe::", False),  # 6to4 of the metadata address
    ("2002:7f00:1::1", False),  # 6to4 of loopback
    ("2002:c0a8:101::1", False),  # 6to4 of 192.168.1.1
    ("2002:808:808::1", True),  # 6to4 of 8.8.8.8
    ("2001::1", False),  # Teredo
]


@pytest.mark.parametrize(("address", "public"), ADDRESSES)
def test_address_table(address: str, public: bool) -> None:
    assert is_public_address(address) is public


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://[::a9fe:a9fe]/", "blocked_address"),
        ("http://[64:ff9b::a9fe:a9fe]/", "blocked_address"),
        ("http://[2002:a9fe:a9fe::]/", "blocked_address"),
        ("http://[fec0::1]/", "blocked_address"),
        ("http://[::ffff:169.254.169.254]/", "blocked_address"),
        # Other spellings of 127.0.0.1: the system resolver reads them, the guard checks that.
        ("http://2130706433/", "blocked_address"),
        ("http://0x7f000001/", "blocked_address"),
        ("http://0x7f.1/", "blocked_address"),
        ("http://127.1/", "blocked_address"),
        ("http://017700000001/", "blocked_address"),
        ("http://0177.0.0.1/", "fetch_error"),  # not even a URL to httpx
    ],
)
async def test_urls_with_non_public_addresses_are_refused(url: str, reason: str) -> None:
    with pytest.raises(FetchError) as caught:
        async with Fetcher(GUARDED) as fetcher:
            await fetcher.get(url)
    assert caught.value.reason == reason
