"""How the workbench is exposed: where it binds, the token, the request size limit; which ontology and store."""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

TOKEN_ENV = "COMPETENCY_TOKEN"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
MB = 1_000_000


class SettingsError(ValueError):
    """Settings the workbench refuses to start with (e.g. a public bind without a token)."""


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    max_bytes: int = 2 * MB
    ontology: Path | None = None
    store: Path | None = None  # the knowledge-graph store SPARQL reads; None: the graph package's default
    warm_up: bool = True

    def check(self) -> None:
        """Refuse what would expose notes: a bind beyond loopback without a token, an unusable limit."""
        if not is_loopback(self.host) and not self.token:
            raise SettingsError(f"binding to {self.host} exposes the workbench beyond this machine: give a token with "
                                f"--token or the environment variable {TOKEN_ENV} (the page and API then require it)")
        if self.token is not None and len(self.token) < 8:
            raise SettingsError("the token must be at least 8 characters long")
        if self.max_bytes <= 0:
            raise SettingsError("the request size limit must be positive")

    def allowed_hosts(self) -> frozenset[str] | None:
        """Host headers accepted: on loopback only loopback names (no DNS rebinding); elsewhere the token guards."""
        if is_loopback(self.host):
            return LOOPBACK_NAMES | {self.host.strip("[]")}
        return None
