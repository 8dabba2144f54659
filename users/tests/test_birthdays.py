from datetime import date

import pytest
from django.core.exceptions import ValidationError

from users.birthdays import (
    birth_days_celebrated_on,
    days_until_birthday,
    greeting_message,
    validate_date_of_birth,
)


def test_it_wishes_happy_birthday_on_the_day():
    greeting = greeting_message("Alice", date(1990, 3, 25), today=date(2021, 3, 25))

    assert greeting == "Hello, Alice! Happy birthday!"


def test_it_counts_one_day_when_the_birthday_is_tomorrow():
    greeting = greeting_message("Alice", date(1990, 3, 26), today=date(2021, 3, 25))

    assert greeting == "Hello, Alice! Your birthday is in 1 day(s)"


def test_it_counts_to_next_year_when_the_birthday_is_already_past():
    greeting = greeting_message("Alice", date(1990, 3, 24), today=date(2021, 3, 25))

    assert greeting == "Hello, Alice! Your birthday is in 364 day(s)"


def test_it_counts_across_a_leap_day():
    assert days_until_birthday(date(1990, 3, 1), today=date(2024, 2, 28)) == 2


def test_someone_born_on_29_february_celebrates_on_28_february_in_a_common_year():
    greeting = greeting_message("Leap", date(2000, 2, 29), today=date(2021, 2, 28))

    assert greeting == "Hello, Leap! Happy birthday!"


def test_someone_born_on_29_february_waits_one_day_on_27_february_of_a_common_year():
    greeting = greeting_message("Leap", date(2000, 2, 29), today=date(2021, 2, 27))

    assert greeting == "Hello, Leap! Your birthday is in 1 day(s)"


def test_someone_born_on_29_february_celebrates_on_29_february_in_a_leap_year():
    assert days_until_birthday(date(2000, 2, 29), today=date(2024, 2, 28)) == 1
    assert days_until_birthday(date(2000, 2, 29), today=date(2024, 2, 29)) == 0


def test_28_february_of_a_common_year_also_celebrates_29_february():
    assert birth_days_celebrated_on(date(2021, 2, 28)) == [(2, 28), (2, 29)]
    assert birth_days_celebrated_on(date(2024, 2, 28)) == [(2, 28)]


def test_a_date_of_birth_must_be_before_today(freeze_today):
    freeze_today(date(2021, 3, 25))

    validate_date_of_birth(date(2021, 3, 24))
    for not_past in (date(2021, 3, 25), date(2021, 3, 26)):
        with pytest.raises(ValidationError):
            validate_date_of_birth(not_past)
