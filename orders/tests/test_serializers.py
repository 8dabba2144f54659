"""A page of orders, written out from rows, gives byte for byte what the serializer gives."""

import pytest
from rest_framework.renderers import JSONRenderer

from orders import selectors
from orders.models import OrderStatus
from orders.serializers import OrderSerializer, order_list_data
from orders.services import order_place, order_status_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(order_body):
    def make(user=None, **changes):
        body = order_body(**changes)
        body["phone"] = "+36301234567"
        body["delivery_address"].setdefault("apartment", "")
        order, _ = order_place(user=user, **body)
        return order

    return make


def as_listed(user) -> list[dict]:
    page = list(selectors.order_list(user=user).order_by("-created_at", "-id"))
    return order_list_data(page, selectors.order_details(order_ids=[row["id"] for row in page]))


def as_serialized(user) -> list[dict]:
    page = list(selectors.order_list(user=user).order_by("-created_at", "-id"))
    orders = [selectors.order_get(order_id=row["id"]) for row in page]
    return OrderSerializer(orders, many=True).data


def test_a_page_of_orders_shows_as_the_order_serializer_does(place, menu, alice, staff):
    # Several items, extras paid and free, none, a history of several steps, an
    # anonymous order with no note and no apartment.
    many = place(
        alice,
        items=[
            {
                "pizza": menu.margherita.pk,
                "quantity": 3,
                "extras": [
                    {"extra": menu.onion.pk, "quantity": 2},
                    {"extra": menu.ham.pk, "quantity": 1},
                ],
            },
            {"pizza": menu.meaty.pk, "quantity": 1, "extras": []},
            {
                "pizza": menu.meaty.pk,
                "quantity": 2,
                "extras": [{"extra": menu.cheese.pk, "quantity": 5}],
            },
        ],
    )
    order_status_change(order_id=many.pk, status=OrderStatus.PREPARING, by=staff)
    order_status_change(order_id=many.pk, status=OrderStatus.CANCELLED, by=staff)
    place(note="")
    place(alice, items=[{"pizza": menu.meaty.pk, "quantity": 1, "extras": []}])

    listed = as_listed(staff)

    assert len(listed) == 3
    assert [len(order["items"]) for order in listed] == [1, 1, 3]
    assert [len(order["history"]) for order in listed] == [1, 1, 3]
    renderer = JSONRenderer()
    assert renderer.render(listed) == renderer.render(as_serialized(staff))


def test_an_empty_page_has_no_details():
    assert selectors.order_details(order_ids=[]) == []
    assert order_list_data([], []) == []
