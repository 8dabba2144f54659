"""Races that only a real PostgreSQL shows: run with the services of `make test`."""

import pytest
from rest_framework.test import APIClient

from config.database_router import reads_from_primary
from config.tests.concurrency import run_together
from users.models import User

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_concurrent_greetings_for_a_new_name_make_one_account():
    def put(name: str, date_of_birth: str):
        return lambda: (
            APIClient()
            .put(f"/hello/{name}", {"dateOfBirth": date_of_birth}, format="json")
            .status_code
        )

    statuses = run_together(
        [put("Zoe", "1990-05-01"), put("ZOE", "1991-06-02"), put("zoe", "1992-07-03")]
    )

    assert statuses == [204, 204, 204]
    with reads_from_primary():  # the streaming replica may lag behind
        assert User.objects.filter(username__iexact="zoe").count() == 1
