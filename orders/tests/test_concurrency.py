"""On the real PostgreSQL and its replica: concurrent retries and status moves race
safely, and a lagging replica does not hide a new order from its customer."""

import os
import subprocess
import time
from functools import partial

import pytest
from django.db import DEFAULT_DB_ALIAS
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from config.tests.concurrency import run_together
from orders.models import Order, OrderItem, OrderStatusChange
from orders.services import order_place

# The replica lags behind: what the requests wrote is checked on the primary.
PRIMARY = DEFAULT_DB_ALIAS

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, databases="__all__"),
]


def _race(count: int, request) -> tuple[list, float]:
    """Run ``request(client)`` with its own client in ``count`` threads started together;
    the answers and the seconds the whole race took."""
    clients = [APIClient() for _ in range(count)]
    started = time.perf_counter()
    answers = run_together([partial(request, client) for client in clients])
    return answers, time.perf_counter() - started


def test_twenty_concurrent_posts_with_one_idempotency_key_create_exactly_one_order(
    order_body, capsys
):
    body = order_body()

    def post(client):
        response = client.post("/api/orders/", body, HTTP_IDEMPOTENCY_KEY="the-same-key")
        return response.status_code, response.json()

    answers, seconds = _race(20, post)

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 19 + [201]
    assert len({json["id"] for _, json in answers}) == 1
    assert all(json == answers[0][1] for _, json in answers)
    assert Order.objects.using(PRIMARY).count() == 1
    assert OrderItem.objects.using(PRIMARY).count() == 1
    assert OrderStatusChange.objects.using(PRIMARY).count() == 1
    with capsys.disabled():
        print(f"\n20 concurrent POSTs, one Idempotency-Key: {seconds:.2f} s")


def test_concurrent_moves_of_one_order_apply_only_once(order_body, staff):
    body = order_body()
    body["phone"] = "+36301234567"
    order, _ = order_place(user=None, **body)
    token = str(RefreshToken.for_user(staff).access_token)

    def prepare(client):
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client.patch(f"/api/orders/{order.pk}/", {"status": "preparing"}).status_code

    answers, _ = _race(10, prepare)

    assert sorted(answers) == [200] + [409] * 9
    assert (
        OrderStatusChange.objects.using(PRIMARY).filter(order=order, to_status="preparing").count()
        == 1
    )


def _services(*arguments: str) -> None:
    subprocess.run([os.environ["TEST_SERVICES_SCRIPT"], *arguments], check=True)


def test_a_new_order_is_found_by_its_id_although_the_replica_lags(order_body):
    # In step first: the lag holds back commits, and a commit of the previous test's
    # teardown (a TRUNCATE) held back would keep its lock on the replica, on which this
    # test's own replica read then times out (lock_timeout).
    _services("wait-replica")
    _services("lag", "30")
    try:
        placed = APIClient().post("/api/orders/", order_body())
        order_id = placed.json()["id"]
        # A new client: no pin cookie, no account, so its reads go to the replica.
        response = APIClient().get(f"/api/orders/{order_id}/")

        assert not Order.objects.using("replica_0").filter(pk=order_id).exists()
        assert response.status_code == 200
        assert response.json()["id"] == order_id
    finally:
        _services("lag", "0")
        _services("wait-replica")
