from datetime import date

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cached birthdays and the throttles must not leak from one test to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def freeze_today(monkeypatch):
    """``freeze_today(date(2021, 3, 25))``: the UTC date every birthday rule reads."""

    def freeze(day: date) -> None:
        monkeypatch.setattr("users.birthdays.utc_today", lambda: day)

    return freeze
