"""The menu's responses, cached and dropped whenever staff change the menu.

Every cache key carries a version; changing the menu sets a new version, so every
cached page, pizza and extras list is dropped at once without listing keys.
"""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from config.cache_versions import cache_version, cache_version_replace
from config.database_router import reads_from_primary

VERSION_KEY = "orders:menu:version"
# A safety net only: changes to the menu drop the cache at once.
TIMEOUT_SECONDS = 60 * 60


def menu_cached(key: str, compute: Callable[[], Any]) -> Any:
    """The cached value for ``key`` (a URL, say), computed and stored on a miss.

    A miss is computed from the primary: a replica that lags behind a change of
    the menu must not put the old menu back in the cache under the new version.
    """
    versioned_key = f"orders:menu:{cache_version(VERSION_KEY)}:{key}"
    value = cache.get(versioned_key)
    if value is None:
        with reads_from_primary():
            value = compute()
        cache.set(versioned_key, value, timeout=TIMEOUT_SECONDS)
    return value


def menu_invalidate() -> None:
    cache_version_replace(VERSION_KEY)


def _menu_changed(**kwargs) -> None:
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed also announces changes that are about to happen
    # Now, so that the change is visible at once to the transaction that made it,
    # and again after commit: a request that refilled the cache in between read
    # the menu as it was before the commit.
    menu_invalidate()
    transaction.on_commit(menu_invalidate)


def connect_signals() -> None:
    """Drop the cached menu whenever a pizza, extra, ingredient or offer changes."""
    from orders.models import Extra, Ingredient, Pizza, PizzaExtra

    for model in (Pizza, Extra, Ingredient, PizzaExtra):
        post_save.connect(_menu_changed, sender=model, dispatch_uid=f"menu-save-{model.__name__}")
        post_delete.connect(
            _menu_changed, sender=model, dispatch_uid=f"menu-delete-{model.__name__}"
        )
    m2m_changed.connect(
        _menu_changed, sender=Pizza.ingredients.through, dispatch_uid="menu-ingredients"
    )
