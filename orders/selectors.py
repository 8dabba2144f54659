"""Reads of the menu and of orders, shaped for the serializers that show them."""

from django.db.models import Prefetch, QuerySet

from config.api.errors import NotFound
from config.database_router import reads_from_primary
from orders.models import Order, OrderItem, Pizza, PizzaExtra


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


def order_list(*, user, status: str = "") -> QuerySet[Order]:
    """The orders ``user`` may list: staff all of them, everyone else their own; only
    those in ``status``, if given."""
    orders = _orders_with_details()
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


def _orders_with_details() -> QuerySet[Order]:
    return Order.objects.prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.prefetch_related("extras")),
        "status_changes",
    )
