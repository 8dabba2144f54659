"""The orders ``manage.py seed_scale`` adds: priced from the menu, with their history."""

from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command

from orders.models import Order, OrderStatus
from users.models import User

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def seed_scale(*arguments: str) -> None:
    call_command("seed_scale", "--posts=0", *arguments, stdout=StringIO(), stderr=StringIO())


def test_each_order_totals_its_items_at_menu_prices_and_has_the_history_of_its_status(menu):
    seed_scale("--users=20", "--orders=200")

    assert Order.objects.count() == 200
    for order in Order.objects.prefetch_related("items", "status_changes"):
        assert order.user.username.startswith("scale")
        assert order.total == sum(item.line_total for item in order.items.all())
        prices = {pizza.name: pizza.price for pizza in (menu.margherita, menu.meaty)}
        for item in order.items.all():
            assert item.unit_price == prices[item.pizza_name]
            assert item.line_total == item.quantity * item.unit_price
        changes = list(order.status_changes.all())
        assert changes[0].from_status == ""
        assert changes[-1].to_status == order.status
        assert all(a.to_status == b.from_status for a, b in pairwise(changes))
    assert Order.objects.filter(status=OrderStatus.DELIVERED).exists()


def test_it_refuses_to_seed_orders_without_a_menu_and_writes_nothing(db):
    with pytest.raises(CommandError, match="load the menu first"):
        seed_scale("--users=5")

    assert not User.objects.filter(username__startswith="scale").exists()
