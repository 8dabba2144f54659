"""Days of the product are UTC days: the daily post limit, the birthdays of the day and
the feed's date filters all turn at the same midnight."""

import math
from datetime import UTC, date, datetime, time, timedelta


def start_of_utc_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def seconds_until_next_utc_midnight(now: datetime) -> int:
    """At least 1. Rounded up: a client that waits exactly this long (a Retry-After)
    finds the new day begun, and a cache entry kept this long outlives the old one."""
    now = now.astimezone(UTC)
    midnight = start_of_utc_day(now.date() + timedelta(days=1))
    return max(1, math.ceil((midnight - now).total_seconds()))
