"""Reads of the menu and of orders, shaped for the serializers that show them."""

import uuid
from collections.abc import Iterable

from django.db import models
from django.db.models import F, Prefetch, QuerySet, Value

from config.api.errors import NotFound
from config.database_router import reads_from_primary
from orders.models import Order, OrderItem, OrderStatusChange, Pizza, PizzaExtra


def pizza_list(*, name: str = "", ingredient: str = "") -> QuerySet[Pizza]:
    """The pizzas on the menu (available ones), with their ingredients; those whose name
    contains ``name`` and that have the ``ingredient``, ignoring case, if given."""
    pizzas = Pizza.objects.filter(is_available=True).prefetch_related("ingredients")
    if name:
        pizzas = pizzas.filter(name__icontains=name)
    if ingredient:
        pizzas = pizzas.filter(ingredients__name__iexact=ingredient)
    return pizzas


def pizza_get(*, pizza_id: int) -> Pizza:
    pizza = pizza_list().filter(pk=pizza_id).first()
    if pizza is None:
        raise NotFound("No pizza with this id on the menu.")
    return pizza


def pizza_extra_list(*, pizza_id: int) -> list[PizzaExtra]:
    """The extras offered for a pizza on the menu, with the extra of each offer."""
    offers = list(
        PizzaExtra.objects.filter(pizza_id=pizza_id, pizza__is_available=True)
        .select_related("extra")
        .order_by("extra__name")
    )
    if not offers and not Pizza.objects.filter(pk=pizza_id, is_available=True).exists():
        raise NotFound("No pizza with this id on the menu.")
    return offers


# The columns of an order that the API shows (orders.serializers.order_list_data).
ORDER_COLUMNS = (
    "id", "status", "customer_name", "phone", "street", "house_number", "apartment",
    "postal_code", "city", "country", "note", "total", "created_at", "updated_at",
)  # fmt: skip
# One row of order_details: an item line (one per extra of the item, or one with no
# extra) or a step of the history; each kind leaves the other's columns NULL.
ITEM_COLUMNS = (
    "order_id", "item_id", "pizza_id", "pizza_name", "quantity", "unit_price", "line_total",
    "extra_row_id", "extra_id", "extra_name", "extra_quantity", "extra_unit_price",
)  # fmt: skip
CHANGE_COLUMNS = ("from_status", "to_status", "changed_at", "change_id")


def order_list(*, user, status: str = "") -> QuerySet:
    """The orders ``user`` may list, as rows of ``ORDER_COLUMNS``: staff all of them,
    everyone else their own; only those in ``status``, if given. Their items and
    history come from ``order_details`` once the page is known."""
    orders = Order.objects.values(*ORDER_COLUMNS)
    if not user.is_staff:
        orders = orders.filter(user=user)
    if status:
        orders = orders.filter(status=status)
    return orders


def order_get(*, order_id) -> Order:
    """The order with this id: holding the id is enough to read it."""
    order = _orders_with_details().filter(pk=order_id).first()
    if order is None:
        # An anonymous client without the pin cookie may ask right after placing
        # the order, before the replica has it.
        with reads_from_primary():
            order = _orders_with_details().filter(pk=order_id).first()
    if order is None:
        raise NotFound("No order with this id.")
    return order


def order_details(*, order_ids: Iterable[uuid.UUID]) -> list[tuple]:
    """The items (with their extras) and the history of these orders, in one query:
    rows of ``ITEM_COLUMNS + CHANGE_COLUMNS``, the items in id order with their extras
    in id order, and the history oldest first, as the serializer's prefetches order
    them. One UNION ALL instead of three prefetches: a list page costs three queries
    (the account, the page, this one)."""
    order_ids = list(order_ids)
    if not order_ids:
        return []
    items = _ITEM_ROWS.filter(order_id__in=order_ids)
    changes = _CHANGE_ROWS.filter(order_id__in=order_ids)
    combined = items.union(changes, all=True)
    return list(combined.order_by("item_id", "extra_row_id", "changed_at", "change_id"))


def _null(output_field: models.Field) -> Value:
    return Value(None, output_field=output_field)


_MONEY = models.DecimalField(max_digits=10, decimal_places=2)
# Built once: annotating and listing the columns cost more than the query they make.
_ITEM_ROWS = (
    OrderItem.objects.annotate(
        item_id=F("id"),
        extra_row_id=F("extras__id"),
        extra_id=F("extras__extra_id"),
        extra_name=F("extras__extra_name"),
        extra_quantity=F("extras__quantity"),
        extra_unit_price=F("extras__unit_price"),
        from_status=_null(models.CharField()),
        to_status=_null(models.CharField()),
        changed_at=_null(models.DateTimeField()),
        change_id=_null(models.BigIntegerField()),
    )
    .values_list(*ITEM_COLUMNS, *CHANGE_COLUMNS)
    .order_by()
)
_CHANGE_ROWS = (
    OrderStatusChange.objects.annotate(
        item_id=_null(models.BigIntegerField()),
        pizza_id=_null(models.BigIntegerField()),
        pizza_name=_null(models.CharField()),
        quantity=_null(models.IntegerField()),
        unit_price=_null(_MONEY),
        line_total=_null(_MONEY),
        extra_row_id=_null(models.BigIntegerField()),
        extra_id=_null(models.BigIntegerField()),
        extra_name=_null(models.CharField()),
        extra_quantity=_null(models.IntegerField()),
        extra_unit_price=_null(_MONEY),
        change_id=F("id"),
    )
    .values_list(*ITEM_COLUMNS, *CHANGE_COLUMNS)
    .order_by()
)


def _orders_with_details() -> QuerySet[Order]:
    return Order.objects.prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.prefetch_related("extras")),
        "status_changes",
    )
