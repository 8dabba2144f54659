"""Strict readers for settings that come from environment variables.

A typo in a variable must stop start-up with a message that says how to fix it,
never silently fall back to a default (``DJANGO_DEBUG=ture`` is an error, not False).
"""

import os
import secrets
import zoneinfo
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a boolean: use one of "
        f"{sorted(_TRUE)} or {sorted(_FALSE)}."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_networks(name: str, default: str) -> list[IPv4Network | IPv6Network]:
    """Comma-separated addresses or networks (``10.0.0.0/8``)."""
    networks = []
    for item in env_list(name, default):
        try:
            networks.append(ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or network (10.0.0.0/8)."
            ) from None
    return networks


def env_time_zone(name: str, default: str) -> str:
    """An IANA time zone name (``Europe/Budapest``), checked against the zone database."""
    raw = env_str(name, default)
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a time zone: use an IANA name such as Europe/Budapest."
        ) from None
    return raw


def development_secret_key(path: Path) -> str:
    """The secret key of this checkout for DEBUG runs: random, made once, kept in ``path``.

    No two machines share it (a constant in the code would let anyone sign sessions and
    JWTs for every development server), and it survives restarts, so logins do too.
    """
    try:
        # O_EXCL: of two processes starting at once, one writes and both read its key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def database_from_url(url: str) -> dict:
    """Turn ``postgres://user:password@host:port/name?option=value`` or
    ``sqlite:///path`` into a Django ``DATABASES`` entry."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parts.path[1:])}
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"Unsupported database URL {url!r}: use postgres://... or sqlite:///path."
        )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
    }


def redis_database_url(url: str, database: int) -> str:
    """``url`` (``redis://host:port/0``) pointing at another numbered database of the
    same server; empty for an empty url."""
    if not url:
        return ""
    return urlsplit(url)._replace(path=f"/{database}").geturl()
