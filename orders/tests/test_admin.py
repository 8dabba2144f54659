"""The admin staff use: the menu and the orders, moved along through the service."""

import pytest

from orders.models import Order, OrderStatusChange
from orders.services import order_place, order_status_change

ORDERS = "/admin/orders/order/"


@pytest.fixture
def place(menu):
    def make(**changes) -> Order:
        fields = {
            "user": None,
            "customer_name": "Carol Stranger",
            "phone": "+36301234567",
            "delivery_address": {
                "street": "Váci utca",
                "house_number": "5",
                "apartment": "",
                "postal_code": "1052",
                "city": "Budapest",
                "country": "HU",
            },
            "items": [{"pizza": menu.margherita.pk, "quantity": 1, "extras": []}],
        } | changes
        return order_place(**fields)[0]

    return make


@pytest.mark.django_db
class TestOrderAdmin:
    def test_the_order_list_shows_status_total_and_customer(
        self, admin_client, place, django_assert_max_num_queries
    ):
        for _ in range(30):
            place()

        with django_assert_max_num_queries(12):
            response = admin_client.get(ORDERS)

        assert response.status_code == 200
        page = response.content.decode()
        assert "Carol Stranger" in page
        assert "11.90" in page
        assert "Received" in page

    def test_the_order_list_filters_by_status(self, admin_client, place, admin_user):
        place(customer_name="Still Waiting")
        cooking = place(customer_name="In The Oven")
        order_status_change(order_id=cooking.pk, status="preparing", by=admin_user)

        page = admin_client.get(ORDERS, {"status__exact": "preparing"}).content.decode()

        assert "In The Oven" in page
        assert "Still Waiting" not in page

    def test_an_order_page_shows_its_items_and_history(self, admin_client, place):
        order = place()

        response = admin_client.get(f"{ORDERS}{order.pk}/change/")

        assert response.status_code == 200
        page = response.content.decode()
        assert "Margherita" in page
        assert "status history" in page.lower()

    def test_the_action_moves_selected_orders_to_their_next_status(
        self, admin_client, admin_user, place
    ):
        first, second, untouched = place(), place(), place()
        order_status_change(order_id=second.pk, status="preparing", by=admin_user)

        admin_client.post(
            ORDERS, {"action": "advance_status", "_selected_action": [first.pk, second.pk]}
        )

        statuses = {order.pk: order.status for order in Order.objects.all()}
        assert statuses == {
            first.pk: "preparing",
            second.pk: "out_for_delivery",
            untouched.pk: "received",
        }
        last_change = OrderStatusChange.objects.filter(order=first).latest("id")
        assert last_change.changed_by == admin_user

    def test_the_action_leaves_finished_orders_alone_and_says_so(
        self, admin_client, admin_user, place
    ):
        order = place()
        order_status_change(order_id=order.pk, status="cancelled", by=admin_user)

        response = admin_client.post(
            ORDERS, {"action": "advance_status", "_selected_action": [order.pk]}, follow=True
        )

        assert "has no next status" in response.content.decode()
        assert Order.objects.get(pk=order.pk).status == "cancelled"

    def test_orders_cannot_be_added_or_edited_in_the_admin(self, admin_client, place):
        order = place()

        assert admin_client.get(f"{ORDERS}add/").status_code == 403
        admin_client.post(f"{ORDERS}{order.pk}/change/", {"status": "delivered"})
        assert Order.objects.get(pk=order.pk).status == "received"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model",
    [
        "pizza",
        "extra",
        "ingredient",
        "pizzaextra",
        "orderitem",
        "orderitemextra",
        "orderstatuschange",
    ],
)
def test_every_orders_model_has_a_working_admin_list(admin_client, place, model):
    place()

    response = admin_client.get(f"/admin/orders/{model}/", {"q": "a"})

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_pizza_page_shows_its_offered_extras(admin_client, menu):
    response = admin_client.get(f"/admin/orders/pizza/{menu.margherita.pk}/change/")

    assert response.status_code == 200
    assert "extras offered" in response.content.decode().lower()
