"""The orders of ``manage.py seed_scale``: pizzas from the menu, each with its history.

Orders are priced from the menu as ``order_place`` prices them; older ones were
delivered (or cancelled), those of the last day are still on their way, and each has
the status changes that led there.
"""

import uuid
from datetime import timedelta

from django.core.management.base import CommandError

from config.scale_seed import ScaleSeed
from orders.models import Order, OrderItem, OrderStatus, OrderStatusChange, Pizza

WITHIN_DAYS = 365
CANCELLED_SHARE = 0.05
STREETS = ["Andrassy ut", "Bajcsy-Zsilinszky ut", "Kiraly utca", "Vaci utca", "Rakoczi ut"]
ON_THE_WAY = [OrderStatus.RECEIVED, OrderStatus.PREPARING, OrderStatus.OUT_FOR_DELIVERY]
# The statuses an order went through to reach each status.
PATHS = {
    OrderStatus.RECEIVED: [OrderStatus.RECEIVED],
    OrderStatus.PREPARING: [OrderStatus.RECEIVED, OrderStatus.PREPARING],
    OrderStatus.OUT_FOR_DELIVERY: [
        OrderStatus.RECEIVED, OrderStatus.PREPARING, OrderStatus.OUT_FOR_DELIVERY,
    ],
    OrderStatus.DELIVERED: [
        OrderStatus.RECEIVED, OrderStatus.PREPARING, OrderStatus.OUT_FOR_DELIVERY,
        OrderStatus.DELIVERED,
    ],
    OrderStatus.CANCELLED: [OrderStatus.RECEIVED, OrderStatus.CANCELLED],
}  # fmt: skip


def orders_seed_scale(*, seed: ScaleSeed) -> None:
    pizzas = list(Pizza.objects.filter(is_available=True).order_by("pk"))
    if seed.orders and not pizzas:
        raise CommandError("Orders need pizzas: load the menu first (manage.py seed).")
    people = [user for user in seed.shared["users"] if user.is_person]
    rng = seed.rng
    orders, items, changes = [], [], []
    for _ in range(seed.orders):
        order_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        customer = rng.choice(people)
        placed_at = seed.now - timedelta(seconds=rng.randrange(WITHIN_DAYS * 86_400))
        if seed.now - placed_at < timedelta(days=1):
            status = rng.choice(ON_THE_WAY)
        elif rng.random() < CANCELLED_SHARE:
            status = OrderStatus.CANCELLED
        else:
            status = OrderStatus.DELIVERED
        total = 0
        for _ in range(rng.randint(1, 3)):
            pizza, quantity = rng.choice(pizzas), rng.randint(1, 3)
            line_total = quantity * pizza.price
            total += line_total
            items.append((order_id, pizza.pk, pizza.name, quantity, pizza.price, line_total))
        path = PATHS[status]
        for step, (before, after) in enumerate(zip(["", *path], path, strict=False)):
            changes.append(
                (order_id, before, after, customer.id, placed_at + timedelta(minutes=20 * step))
            )
        changed_at = changes[-1][-1]
        orders.append(
            (
                order_id, customer.id, status.value, customer.name, _phone(rng),
                rng.choice(STREETS), str(rng.randint(1, 120)), "", str(rng.randint(1011, 1239)),
                "Budapest", "HU", "", total, "", placed_at, changed_at,
            )
        )  # fmt: skip
    fields = [
        "id", "user_id", "status", "customer_name", "phone", "street", "house_number",
        "apartment", "postal_code", "city", "country", "note", "total",
        "request_fingerprint", "created_at", "updated_at",
    ]  # fmt: skip
    seed.copy(Order, fields, orders, label="orders")
    item_fields = ["order_id", "pizza_id", "pizza_name", "quantity", "unit_price", "line_total"]
    seed.copy(OrderItem, item_fields, items, label="order items", counted=False)
    change_fields = ["order_id", "from_status", "to_status", "changed_by_id", "changed_at"]
    seed.copy(OrderStatusChange, change_fields, changes, label="order history", counted=False)


def _phone(rng) -> str:
    return f"+3630{rng.randrange(10**7):07d}"
