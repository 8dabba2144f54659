from datetime import UTC, datetime, timedelta, timezone

from config.utc_days import seconds_until_next_utc_midnight


def test_retry_after_counts_the_seconds_until_midnight_utc():
    assert seconds_until_next_utc_midnight(datetime(2026, 3, 1, 23, 59, 30, tzinfo=UTC)) == 30
    assert seconds_until_next_utc_midnight(datetime(2026, 3, 1, 0, 0, 0, tzinfo=UTC)) == 86400


def test_a_part_of_a_second_left_counts_as_a_whole_one():
    assert seconds_until_next_utc_midnight(datetime(2026, 3, 1, 23, 59, 59, 1, tzinfo=UTC)) == 1


def test_the_midnight_is_the_utc_one_whatever_the_time_zone_of_the_clock():
    paris = timezone(timedelta(hours=1))
    assert seconds_until_next_utc_midnight(datetime(2026, 3, 2, 0, 30, tzinfo=paris)) == 1800
