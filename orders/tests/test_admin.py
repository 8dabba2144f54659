"""The admin staff use: the menu and the orders, moved along through the service."""

import datetime

import pytest
from django.contrib.auth.models import Permission

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
        assert "11.90 EUR" in page
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

    def test_orders_cannot_be_added_edited_or_deleted_in_the_admin(self, admin_client, place):
        order = place()

        assert admin_client.get(f"{ORDERS}add/").status_code == 403
        assert admin_client.post(f"{ORDERS}{order.pk}/change/", {}).status_code == 403
        assert admin_client.post(f"{ORDERS}{order.pk}/delete/", {"post": "yes"}).status_code == 403
        admin_client.post(
            ORDERS, {"action": "delete_selected", "_selected_action": [order.pk], "post": "yes"}
        )
        assert Order.objects.get(pk=order.pk).status == "received"

    def test_the_cancel_action_cancels_through_the_service_and_names_what_it_could_not(
        self, admin_client, admin_user, place
    ):
        waiting, on_the_road = place(), place()
        for status in ("preparing", "out_for_delivery"):
            order_status_change(order_id=on_the_road.pk, status=status, by=admin_user)

        response = admin_client.post(
            ORDERS,
            {"action": "cancel", "_selected_action": [waiting.pk, on_the_road.pk]},
            follow=True,
        )

        page = response.content.decode()
        assert "1 order(s) cancelled." in page
        assert f"Order {str(on_the_road.pk)[:8]}: An order that is out_for_delivery cannot" in page
        assert Order.objects.get(pk=waiting.pk).status == "cancelled"
        assert Order.objects.get(pk=on_the_road.pk).status == "out_for_delivery"
        last_change = OrderStatusChange.objects.filter(order=waiting).latest("id")
        assert (last_change.to_status, last_change.changed_by) == ("cancelled", admin_user)


@pytest.mark.django_db
class TestOrderPage:
    def test_it_offers_the_next_status_and_cancelling_and_nothing_to_save_or_delete(
        self, admin_client, place
    ):
        order = place()

        page = admin_client.get(f"{ORDERS}{order.pk}/change/").content.decode()

        assert 'value="preparing"' in page
        assert "Move to preparing" in page
        assert "Cancel the order" in page
        assert 'name="_save"' not in page
        assert 'name="_continue"' not in page
        assert f"{order.pk}/delete/" not in page
        assert "11.90 EUR" in page

    def test_a_delivered_order_offers_no_move(self, admin_client, admin_user, place):
        order = place()
        for status in ("preparing", "out_for_delivery", "delivered"):
            order_status_change(order_id=order.pk, status=status, by=admin_user)

        page = admin_client.get(f"{ORDERS}{order.pk}/change/").content.decode()

        assert "Move to" not in page
        assert "Cancel the order" not in page

    def test_its_button_moves_the_order_through_the_service(self, admin_client, admin_user, place):
        order = place()

        response = admin_client.post(f"{ORDERS}{order.pk}/move/", {"status": "preparing"})

        assert response.status_code == 302
        assert response["Location"] == f"{ORDERS}{order.pk}/change/"
        assert Order.objects.get(pk=order.pk).status == "preparing"
        last_change = OrderStatusChange.objects.filter(order=order).latest("id")
        assert (last_change.from_status, last_change.changed_by) == ("received", admin_user)

    def test_a_button_on_a_stale_page_does_not_move_the_order_twice(
        self, admin_client, admin_user, place
    ):
        order = place()
        order_status_change(order_id=order.pk, status="preparing", by=admin_user)

        response = admin_client.post(
            f"{ORDERS}{order.pk}/move/", {"status": "preparing"}, follow=True
        )

        assert "An order that is preparing cannot become preparing." in response.content.decode()
        assert Order.objects.get(pk=order.pk).status == "preparing"
        assert OrderStatusChange.objects.filter(order=order).count() == 2

    def test_staff_who_may_only_view_orders_cannot_move_them(self, client, staff, place):
        staff.user_permissions.add(Permission.objects.get(codename="view_order"))
        client.force_login(staff)
        order = place()

        page = client.get(f"{ORDERS}{order.pk}/change/").content.decode()
        listing = client.get(ORDERS).content.decode()
        response = client.post(f"{ORDERS}{order.pk}/move/", {"status": "preparing"})

        assert "Move to preparing" not in page
        assert "advance_status" not in listing
        assert response.status_code == 403
        assert Order.objects.get(pk=order.pk).status == "received"

    def test_the_move_page_answers_only_posts(self, admin_client, place):
        order = place()

        assert admin_client.get(f"{ORDERS}{order.pk}/move/").status_code == 405


@pytest.mark.django_db
class TestOrderTimesAndSearch:
    def test_the_admin_shows_times_in_the_configured_zone_while_the_api_stays_in_utc(
        self, admin_client, api_client, place, settings
    ):
        settings.ADMIN_TIME_ZONE = "Europe/Budapest"
        order = place()
        noon_utc = datetime.datetime(2026, 1, 15, 12, 0, tzinfo=datetime.UTC)
        Order.objects.filter(pk=order.pk).update(created_at=noon_utc)

        listing = admin_client.get(ORDERS).content.decode()
        page = admin_client.get(f"{ORDERS}{order.pk}/change/").content.decode()
        detail = api_client.get(f"/api/orders/{order.pk}/")

        assert "2026-01-15 13:00 CET" in listing
        assert "2026-01-15 13:00 CET" in page
        assert detail.json()["created_at"] == "2026-01-15T12:00:00Z"

    @pytest.mark.parametrize("term", ["06 30 123 4567", "30/123-4567", "+36 30 123 4567"])
    def test_a_phone_number_written_locally_finds_the_order(self, admin_client, place, term):
        place(customer_name="Called Us", phone="+36301234567")
        place(customer_name="Someone Else", phone="+36209876543")

        page = admin_client.get(ORDERS, {"q": term}).content.decode()

        assert "Called Us" in page
        assert "Someone Else" not in page


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
