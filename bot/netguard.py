"""Which addresses a fetch may connect to, and a connector that connects only to those.

The check and the connection share one resolution: a name is resolved once, inside the
connection pool at connect time; every address it gives is checked and the socket is
opened to one of those very addresses, while the TLS server name and the ``Host`` header
stay the URL's name. A resolver that answers a public address to a guard and 127.0.0.1
to the connector (DNS rebinding) gets nowhere: nobody asks it twice.

Refused: every IPv4 address that is not global (loopback, private, link-local and the
metadata address, CGNAT, documentation, reserved, multicast) and, in IPv6, loopback,
unique-local, link-local, site-local, multicast, documentation and discard ranges, the
deprecated IPv4-compatible form, and every form that wraps an IPv4 address (IPv4-mapped,
NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``) when the wrapped address is refused.
Names like ``2130706433`` or ``0x7f.1`` need no special case: the resolver turns them into
127.0.0.1, and that is what is checked.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable

import httpcore
import httpx

from bot.errors import FetchError
from bot.models import Reason

# Answers the addresses of (host, port), in the order to try them.
Resolver = Callable[[str, int], Awaitable[list[str]]]
SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)

_REFUSED_V6 = tuple(
    ipaddress.IPv6Network(network)
    for network in (
        "::/96",  # ::, ::1 and the deprecated IPv4-compatible form ::a.b.c.d
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local: deprecated, yet still routed inside some networks
        "ff00::/8",  # multicast
        "64:ff9b:1::/48",  # NAT64 for local use
        "100::/64",  # discard only
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def wrapped_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, NAT64 or 6to4 address leads to, if it is one."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)
    return ip.sixtofour


def is_public_address(address: str) -> bool:
    """True when ``address`` (an IP literal, IPv6 zone allowed) is on the public internet."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in network for network in _REFUSED_V6):
            return False
        inner = wrapped_ipv4(ip)
        if inner is not None:
            ip = inner
    return ip.is_global and not ip.is_multicast


def ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


async def system_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class BlockedAddress(Exception):
    """A host that is, or resolves to, a refused address; the transport adds the URL."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to non-public address {address}")
        self.host = host
        self.address = address


class UnresolvableHost(Exception):
    def __init__(self, host: str) -> None:
        super().__init__(f"cannot resolve {host}")


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """The connection pool's network backend: resolve once, check, connect to what was checked."""

    def __init__(
        self,
        resolver: Resolver = system_resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._resolve = resolver
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._vetted_addresses(host, port, within=timeout)
        options = list(socket_options or [])
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # the next address may answer
        assert failure is not None  # _vetted_addresses never returns an empty list
        raise failure

    async def _vetted_addresses(self, host: str, port: int, within: float | None) -> list[str]:
        literal = ip_literal(host.strip("[]"))
        if literal is not None:
            addresses = [literal]
        else:
            try:
                async with asyncio.timeout(within):
                    addresses = await self._resolve(host, port)
            except TimeoutError as exc:
                raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
            except OSError as exc:  # socket.gaierror
                raise UnresolvableHost(host) from exc
            if not addresses:
                raise UnresolvableHost(host)
        for address in addresses:
            if not is_public_address(address):
                raise BlockedAddress(host, address)
        return addresses

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress(path, "a unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncBaseTransport):
    """The network transport: refuses literal non-public hosts before any connection and
    turns the connector's refusals into :class:`FetchError`.

    Every request, redirects included, passes through here, so a public URL that redirects
    to ``http://169.254.169.254/`` is refused at the hop that tries it; a redirect to a
    name is checked by :class:`GuardedBackend` when it connects.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, allow_private: bool) -> None:
        self._inner = inner
        self._allow_private = allow_private

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self._allow_private:
            await self._check_host(request.url)
        try:
            return await self._inner.handle_async_request(request)
        except BlockedAddress as exc:
            raise FetchError(str(request.url), Reason.BLOCKED_ADDRESS, _blocked(exc)) from exc
        except UnresolvableHost as exc:
            raise FetchError(str(request.url), Reason.FETCH_ERROR, str(exc)) from exc

    async def _check_host(self, url: httpx.URL) -> None:
        literal = ip_literal(url.host)
        if literal is not None and not is_public_address(literal):
            raise FetchError(
                str(url), Reason.BLOCKED_ADDRESS, _blocked(BlockedAddress(url.host, literal))
            )

    async def aclose(self) -> None:
        await self._inner.aclose()


def _blocked(exc: BlockedAddress) -> str:
    return f"{exc} (set fetch.allow_private_networks = true to allow)"


def pooled_transport(
    backend: httpcore.AsyncNetworkBackend | None = None,
) -> httpx.AsyncBaseTransport:
    """httpx's own transport, its connection pool connecting through ``backend``."""
    transport = httpx.AsyncHTTPTransport(retries=0)
    if backend is not None:
        # httpx takes no network backend; its pool is rebuilt with ours, httpx's defaults
        # otherwise, so its exception mapping and stream handling stay httpx's own.
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            retries=0,
            network_backend=backend,
        )
    return transport


def network_transport(
    allow_private: bool,
    resolver: Resolver = system_resolver,
    connector: httpcore.AsyncNetworkBackend | None = None,
) -> httpx.AsyncBaseTransport:
    """The transport of real fetches. ``resolver`` and ``connector`` exist for tests."""
    if allow_private:
        return pooled_transport()
    return GuardedTransport(pooled_transport(GuardedBackend(resolver, connector)), False)
