"""Reading orders (by id, lists) and moving them along the status flow."""

import uuid

import pytest

from orders.models import Order, OrderStatusChange
from orders.services import order_place, order_status_change

URL = "/api/orders/"


@pytest.fixture
def place(order_body):
    """``place(user)``: an order placed through the service, as the API would."""

    def make(user=None, **changes) -> Order:
        body = order_body(**changes)
        body["phone"] = "+36301234567"
        for item in body["items"]:
            item.setdefault("extras", [])
        body["delivery_address"].setdefault("apartment", "")
        order, _ = order_place(user=user, **body)
        return order

    return make


def _detail(order: Order) -> str:
    return f"{URL}{order.pk}/"


@pytest.mark.django_db
class TestReadingAnOrder:
    def test_anyone_holding_the_id_may_read_the_order(self, api_client, place):
        order = place()

        response = api_client.get(_detail(order))

        assert response.status_code == 200
        assert response.json()["id"] == str(order.pk)
        assert response.json()["status"] == "received"

    def test_an_order_is_never_stored_by_shared_caches(self, api_client, place):
        response = api_client.get(_detail(place()))

        assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}

    def test_an_unknown_id_is_not_found(self, api_client, menu):
        assert api_client.get(f"{URL}{uuid.uuid4()}/").status_code == 404

    def test_an_id_that_is_not_a_uuid_is_not_found_in_json(self, api_client):
        response = api_client.get(f"{URL}42/")

        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_reading_an_order_stays_within_its_query_budget(
        self, api_client, place, django_assert_max_num_queries
    ):
        order = place()

        # The order, its items, their extras, its history.
        with django_assert_max_num_queries(4):
            api_client.get(_detail(order))


@pytest.mark.django_db
class TestListingOrders:
    def test_listing_orders_needs_an_account(self, api_client):
        assert api_client.get(URL).status_code == 401

    def test_a_customer_sees_only_their_own_orders_newest_first(
        self, client_for, alice, bob, place
    ):
        older, newer = place(alice), place(alice)
        place(bob)
        place()

        response = client_for(alice).get(URL)

        assert response.status_code == 200
        assert [order["id"] for order in response.json()["results"]] == [
            str(newer.pk),
            str(older.pk),
        ]

    def test_staff_see_every_order_and_may_filter_by_status(self, client_for, staff, alice, place):
        received, cancelled = place(alice), place()
        client_for(staff).patch(_detail(cancelled), {"status": "cancelled"})

        everything = client_for(staff).get(URL).json()["results"]
        only_received = client_for(staff).get(URL, {"status": "received"}).json()["results"]

        assert {order["id"] for order in everything} == {str(received.pk), str(cancelled.pk)}
        assert [order["id"] for order in only_received] == [str(received.pk)]

    def test_an_unknown_status_filter_is_invalid(self, client_for, staff):
        response = client_for(staff).get(URL, {"status": "eaten"})

        assert response.status_code == 400
        assert "status" in response.json()["fields"]

    def test_the_list_is_cursor_paginated(self, client_for, alice, place):
        for _ in range(3):
            place(alice)

        first = client_for(alice).get(URL, {"page_size": 2}).json()
        second = client_for(alice).get(first["next"]).json()

        assert len(first["results"]) == 2
        assert len(second["results"]) == 1
        assert "count" not in first

    @pytest.mark.parametrize("page_size", [5, 20, 100])
    def test_listing_orders_costs_three_queries_whatever_the_page_size(
        self, client_for, staff, place, page_size, django_assert_num_queries
    ):
        for index in range(25):
            order = place()
            if index % 3 == 0:
                order_status_change(order_id=order.pk, status="preparing", by=staff)
        client = client_for(staff)

        # The account, the page, and its items, their extras and histories in one
        # query (they were three).
        with django_assert_num_queries(3):
            response = client.get(URL, {"page_size": page_size})

        assert len(response.json()["results"]) == min(page_size, 25)


@pytest.mark.django_db
class TestStaffMoveAnOrder:
    def test_staff_move_an_order_along_the_whole_flow(self, client_for, staff, place):
        order = place()
        client = client_for(staff)

        statuses = [
            client.patch(_detail(order), {"status": status}).json()["status"]
            for status in ("preparing", "out_for_delivery", "delivered")
        ]

        assert statuses == ["preparing", "out_for_delivery", "delivered"]

    @pytest.mark.parametrize("path", [["cancelled"], ["preparing", "cancelled"]])
    def test_staff_cancel_an_order_received_or_preparing(self, client_for, staff, place, path):
        order = place()

        responses = [client_for(staff).patch(_detail(order), {"status": s}) for s in path]

        assert responses[-1].status_code == 200
        assert responses[-1].json()["status"] == "cancelled"

    @pytest.mark.parametrize(
        ("path", "forbidden_move"),
        [
            ([], "out_for_delivery"),
            ([], "delivered"),
            ([], "received"),
            (["preparing"], "received"),
            (["preparing", "out_for_delivery"], "cancelled"),
            (["preparing", "out_for_delivery", "delivered"], "cancelled"),
            (["cancelled"], "preparing"),
        ],
    )
    def test_any_other_move_is_a_conflict(self, client_for, staff, place, path, forbidden_move):
        order = place()
        client = client_for(staff)
        for status in path:
            client.patch(_detail(order), {"status": status})

        response = client.patch(_detail(order), {"status": forbidden_move})

        assert response.status_code == 409
        assert response.json()["code"] == "invalid_transition"

    def test_an_unknown_status_is_invalid(self, client_for, staff, place):
        response = client_for(staff).patch(_detail(place()), {"status": "eaten"})

        assert response.status_code == 400
        assert list(response.json()["fields"]) == ["status"]

    def test_every_move_is_recorded_with_who_and_when(self, client_for, staff, alice, place):
        order = place(alice)

        body = client_for(staff).patch(_detail(order), {"status": "preparing"}).json()

        assert [(s["from_status"], s["to_status"]) for s in body["history"]] == [
            ("", "received"),
            ("received", "preparing"),
        ]
        changes = OrderStatusChange.objects.filter(order=order).order_by("changed_at", "id")
        assert [change.changed_by for change in changes] == [alice, staff]
        assert all(change.changed_at is not None for change in changes)

    def test_moving_an_order_stays_within_its_query_budget(
        self, client_for, staff, place, django_assert_max_num_queries
    ):
        order = place()
        client = client_for(staff)

        # The account, the locked order, the history row, the update, 4 reads back.
        with django_assert_max_num_queries(10):
            response = client.patch(_detail(order), {"status": "preparing"})

        assert response.status_code == 200

    def test_moving_an_unknown_order_is_not_found(self, client_for, staff, menu):
        response = client_for(staff).patch(f"{URL}{uuid.uuid4()}/", {"status": "preparing"})

        assert response.status_code == 404


@pytest.mark.django_db
class TestTheCustomerAndOthers:
    def test_the_customer_may_cancel_while_the_order_is_received(self, client_for, alice, place):
        order = place(alice)

        response = client_for(alice).patch(_detail(order), {"status": "cancelled"})

        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"

    def test_the_customer_cannot_cancel_once_it_is_being_prepared(
        self, client_for, alice, staff, place
    ):
        order = place(alice)
        client_for(staff).patch(_detail(order), {"status": "preparing"})

        response = client_for(alice).patch(_detail(order), {"status": "cancelled"})

        assert response.status_code == 409

    @pytest.mark.parametrize("status", ["preparing", "delivered", "received"])
    def test_the_customer_may_make_no_other_move(self, client_for, alice, place, status):
        order = place(alice)

        response = client_for(alice).patch(_detail(order), {"status": status})

        assert response.status_code == 409
        assert Order.objects.get(pk=order.pk).status == "received"

    def test_someone_else_may_not_change_the_order_even_holding_its_id(
        self, client_for, alice, carol, place
    ):
        order = place(alice)

        response = client_for(carol).patch(_detail(order), {"status": "cancelled"})

        assert response.status_code == 403
        assert Order.objects.get(pk=order.pk).status == "received"

    def test_nobody_may_change_an_anonymous_order_but_staff(self, client_for, carol, place):
        order = place()

        response = client_for(carol).patch(_detail(order), {"status": "cancelled"})

        assert response.status_code == 403

    def test_changing_an_order_needs_an_account(self, api_client, place):
        response = api_client.patch(_detail(place()), {"status": "cancelled"})

        assert response.status_code == 401

    def test_put_and_delete_are_not_allowed(self, client_for, staff, place):
        order = place()

        assert client_for(staff).put(_detail(order), {"status": "preparing"}).status_code == 405
        assert client_for(staff).delete(_detail(order)).status_code == 405
