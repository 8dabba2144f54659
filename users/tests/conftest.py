from datetime import date

import pytest


@pytest.fixture
def freeze_today(monkeypatch):
    """``freeze_today(date(2021, 3, 25))``: the UTC date every birthday rule reads."""

    def freeze(day: date) -> None:
        monkeypatch.setattr("users.birthdays.utc_today", lambda: day)

    return freeze
