"""The first pages of the feed: read the most, the same for every caller, cached.

``GET /api/posts/`` without parameters (everyone's posts, newest first, 10 of them),
or with only ``sort=trending`` or ``sort=latest``, shows nothing of its caller. Its
answer is cached under a version that every change a page can show replaces once its
transaction commits: a post, repost or quote published (which also moves the counts
trending ranks by), hidden, shown again or deleted, which moves counters
(``social.services.post_counters_move``), and an author renamed or deleted
(``social.counter_and_profile_sync``). A miss is computed from the primary: a replica
that lags behind a change must not put the old page back under the new version. A
trending page's cursor carries the moment it ranked as of, so a walk that starts from
a cached page goes on consistently (``FeedQuerySet``).
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

from config.cache_versions import cache_version, cache_version_replace
from config.database_router import reads_from_primary

VERSION_KEY = "social:feed-first-page:version"
# The query strings of the pages cached, exactly: any other spelling is computed, so
# that no client can fill the cache with copies of a page.
FIRST_PAGE_QUERIES = frozenset({"", "sort=latest", "sort=trending"})
# A safety net only: changes drop the page at once.
TIMEOUT_SECONDS = 60


def feed_first_page_cached(url: str, compute: Callable[[], dict]) -> dict:
    """The cached page for ``url`` (its links are absolute), computed on a miss."""
    key = f"social:feed-first-page:{cache_version(VERSION_KEY)}:{url}"
    page = cache.get(key)
    if page is None:
        with reads_from_primary():
            page = compute()
        cache.set(key, page, TIMEOUT_SECONDS)
    return page


def feed_changed_on_commit() -> None:
    transaction.on_commit(lambda: cache_version_replace(VERSION_KEY))
