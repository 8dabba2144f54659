"""Races that only a real PostgreSQL shows: run with the services of `make test`."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.test import APIClient

from config.database_router import reads_from_primary
from users.models import User

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, databases="__all__")]


def run_together(tasks: list) -> list:
    """Each task in its own thread, all released at the same instant."""
    barrier = threading.Barrier(len(tasks))

    def run(task):
        barrier.wait()
        try:
            return task()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        return [future.result() for future in [pool.submit(run, task) for task in tasks]]


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
