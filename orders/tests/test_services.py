"""The services behind orders: prices frozen at order time and the status flow."""

from decimal import Decimal

import pytest

from config.api.errors import Conflict
from orders.models import OrderStatusChange
from orders.services import OrderPermissionDenied, order_place, order_status_advance


@pytest.fixture
def place(menu):
    def make(*, user=None, idempotency_key=None):
        return order_place(
            user=user,
            customer_name="Bob Follower",
            phone="+36301234567",
            delivery_address={
                "street": "Fő utca",
                "house_number": "1",
                "apartment": "",
                "postal_code": "1011",
                "city": "Budapest",
                "country": "HU",
            },
            items=[
                {
                    "pizza": menu.meaty.pk,
                    "quantity": 1,
                    "extras": [{"extra": menu.cheese.pk, "quantity": 2}],
                }
            ],
            idempotency_key=idempotency_key,
        )

    return make


@pytest.mark.django_db
class TestPricesAreFrozenAtOrderTime:
    def test_a_price_change_in_the_menu_does_not_change_an_existing_order(self, menu, place):
        order, _ = place()

        menu.meaty.price = Decimal("99.00")
        menu.meaty.name = "Meaty Deluxe"
        menu.meaty.save()
        menu.cheese.price = Decimal("9.00")
        menu.cheese.save()

        order.refresh_from_db()
        item = order.items.get()
        assert order.total == Decimal("19.70")
        assert (item.pizza_name, item.unit_price, item.line_total) == (
            "Meaty",
            Decimal("16.90"),
            Decimal("19.70"),
        )
        assert item.extras.get().unit_price == Decimal("1.40")

    def test_a_new_order_uses_the_new_price(self, menu, place):
        menu.meaty.price = Decimal("20.00")
        menu.meaty.save()

        order, _ = place()

        assert order.total == Decimal("22.80")


@pytest.mark.django_db
class TestIdempotency:
    def test_a_retry_returns_the_first_order_and_says_it_is_not_new(self, place):
        first, created_first = place(idempotency_key="retry-me")
        again, created_again = place(idempotency_key="retry-me")

        assert (created_first, created_again) == (True, False)
        assert again.pk == first.pk

    def test_the_same_key_from_another_account_is_a_conflict(self, place, alice):
        place(idempotency_key="mine")

        with pytest.raises(Conflict):
            place(user=alice, idempotency_key="mine")


@pytest.mark.django_db
class TestAdvancingTheStatus:
    def test_staff_advance_an_order_step_by_step_until_delivered(self, place, staff):
        order, _ = place()

        statuses = [order_status_advance(order_id=order.pk, by=staff).status for _ in range(3)]

        assert statuses == ["preparing", "out_for_delivery", "delivered"]
        with pytest.raises(Conflict):
            order_status_advance(order_id=order.pk, by=staff)
        assert OrderStatusChange.objects.filter(order=order, changed_by=staff).count() == 3
        assert str(order.status_changes.last()) == (
            f"Order {str(order.pk)[:8]}: out_for_delivery → delivered"
        )

    def test_the_customer_cannot_advance_their_own_order(self, place, alice):
        order, _ = place(user=alice)

        with pytest.raises(Conflict):
            order_status_advance(order_id=order.pk, by=alice)

    def test_a_stranger_cannot_advance_an_order(self, place, carol):
        order, _ = place()

        with pytest.raises(OrderPermissionDenied):
            order_status_advance(order_id=order.pk, by=carol)
        assert OrderStatusChange.objects.filter(order=order).count() == 1
