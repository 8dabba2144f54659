"""Cached data dropped all at once: its keys carry a version, and a change replaces it.

Replacing the version rather than deleting entries means no key has to be listed, and
an entry computed before a change is stored under a version nobody reads any more, so
it can never outlive the change.
"""

import uuid

from django.core.cache import cache


def cache_version(key: str) -> str:
    """The version stored under ``key``; a new one when there is none yet (or no more)."""
    version = cache.get(key)
    if version is None:
        version = cache_version_replace(key)
    return version


def cache_version_replace(key: str) -> str:
    """A new version under ``key``: whatever was cached under the old one is never read again."""
    version = uuid.uuid4().hex
    cache.set(key, version, timeout=None)
    return version
