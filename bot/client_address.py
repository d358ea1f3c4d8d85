"""Who sent a request: the peer's address, or, behind a proxy we trust, the client it forwarded for.

X-Forwarded-For is believed only from HELPLINE_TRUSTED_PROXIES (IPs or networks, comma-separated;
none by default). Read right to left, the first hop that is not a trusted proxy is the client:
anything left of it was written by the client and can be forged. The scale profile trusts its
nginx on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as error:
            raise ValueError(f"HELPLINE_TRUSTED_PROXIES: {value!r} is not an IP address or network") from error
    return tuple(networks)


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(peer: Optional[str], forwarded_for: Optional[str], proxies: Sequence[Network]) -> str:
    """The client's address as far as it can be trusted; `peer` is the TCP peer."""
    peer = peer or "unknown"
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return client  # garbage from further left: the last address we could check
        client = hop
        if not _trusted(hop, proxies):
            return hop
    return client


def socket_client(environ: Mapping[str, Any], proxies: Sequence[Network]) -> str:
    """The client of a socket.io connection, from the WSGI-style environ python-engineio keeps for it."""
    request = environ.get("sanic.request")  # engine.io's Sanic driver fills REMOTE_ADDR with a placeholder
    peer = getattr(request, "ip", None) or environ.get("REMOTE_ADDR")
    return client_address(peer, environ.get("HTTP_X_FORWARDED_FOR"), proxies)


def from_trusted_proxy(environ: Mapping[str, Any], proxies: Sequence[Network]) -> bool:
    """Whether the connection's peer is one of our proxies, whose X-Forwarded-* headers may be believed."""
    request = environ.get("sanic.request")
    peer = getattr(request, "ip", None) or environ.get("REMOTE_ADDR") or ""
    return bool(proxies) and _trusted(peer, proxies)
