"""Birthday arithmetic, in UTC, for the greeting and for the birthdays of the day.

``utc_today`` is the one place that reads the calendar: tests freeze time by
patching ``users.birthdays.utc_today``.
"""

import calendar
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError


def utc_today() -> date:
    return datetime.now(UTC).date()


def birthday_in_year(date_of_birth: date, year: int) -> date:
    """The day the birthday is celebrated in ``year``: 29 February moves to the
    28th in years that do not have it."""
    if date_of_birth.month == 2 and date_of_birth.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return date_of_birth.replace(year=year)


def days_until_birthday(date_of_birth: date, today: date) -> int:
    """0 on the birthday, otherwise the days until the next one."""
    upcoming = birthday_in_year(date_of_birth, today.year)
    if upcoming < today:
        upcoming = birthday_in_year(date_of_birth, today.year + 1)
    return (upcoming - today).days


def greeting_message(username: str, date_of_birth: date, today: date) -> str:
    """The legacy greeting, word for word."""
    days = days_until_birthday(date_of_birth, today)
    if days == 0:
        return f"Hello, {username}! Happy birthday!"
    return f"Hello, {username}! Your birthday is in {days} day(s)"


def birth_days_celebrated_on(today: date) -> list[tuple[int, int]]:
    """The (month, day) pairs of the dates of birth celebrated ``today``."""
    days = [(today.month, today.day)]
    if (today.month, today.day) == (2, 28) and not calendar.isleap(today.year):
        days.append((2, 29))
    return days


def validate_date_of_birth(value: date) -> None:
    if value >= utc_today():
        raise ValidationError("A date of birth must be before today.", code="not_in_past")
