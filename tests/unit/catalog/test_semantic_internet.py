"""Internet columns: parseable addresses, uniqueness, determinism."""

from __future__ import annotations

import ipaddress
import re

import pytest

NET = {
    "url": {"type": "url"},
    "domain": {"type": "domain"},
    "ip": {"type": "ipv4"},
    "ip6": {"type": "ipv6"},
    "mac": {"type": "mac_address"},
    "ua": {"type": "user_agent"},
}


def test_addresses_parse(table) -> None:
    data = table(NET).block(2000)
    for ip in data["ip"].to_pylist():
        addr = ipaddress.IPv4Address(ip)
        assert not addr.is_private and not addr.is_loopback
    for ip in data["ip6"].to_pylist():
        assert ipaddress.IPv6Address(ip).is_global or ip.startswith(("2", "3"))
    for mac in data["mac"].to_pylist():
        assert re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", mac)
        assert int(mac[:2], 16) & 1 == 0  # unicast
    for url in data["url"].to_pylist():
        assert re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]+/[a-z/]+", url), url
    for domain in data["domain"].to_pylist():
        assert re.fullmatch(r"[a-z-]+\.[a-z]+", domain), domain
    assert all(ua.startswith("Mozilla") or ua for ua in data["ua"].to_pylist())


@pytest.mark.parametrize("kind", ["ipv4", "ipv6", "mac_address", "domain", "url"])
def test_unique_by_construction(table, kind: str) -> None:
    t = table({"x": {"type": kind, "unique": True}})
    values = []
    for block in range(4):
        values += t.block(5000, block=block, total=20_000)["x"].to_pylist()
    assert len(set(values)) == len(values)


def test_determinism(table) -> None:
    t = table(NET)
    a, b, c = t.block(200), t.block(200), t.block(200, block=1)
    for name in NET:
        assert a[name].equals(b[name]), name
    assert not a["ip"].equals(c["ip"])
