"""Writes: placing an order (priced from the menu, idempotent) and its status flow."""

import hashlib
import json
from decimal import Decimal
from typing import TypedDict

from django.db import IntegrityError, transaction

from config.api.errors import ApplicationError, Conflict, NotFound
from orders.models import (
    Extra,
    Order,
    OrderItem,
    OrderItemExtra,
    OrderStatus,
    OrderStatusChange,
    Pizza,
    PizzaExtra,
)
from users.models import User


class ExtraChoice(TypedDict):
    extra: int
    quantity: int


class ItemChoice(TypedDict):
    pizza: int
    quantity: int
    extras: list[ExtraChoice]


class DeliveryAddress(TypedDict):
    street: str
    house_number: str
    apartment: str
    postal_code: str
    city: str
    country: str


class OrderPermissionDenied(ApplicationError):
    status_code = 403
    code = "permission_denied"


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"


# The moves staff may make; the customer who placed the order may only cancel it
# while it is still received.
STAFF_TRANSITIONS: dict[str, set[str]] = {
    OrderStatus.RECEIVED: {OrderStatus.PREPARING, OrderStatus.CANCELLED},
    OrderStatus.PREPARING: {OrderStatus.OUT_FOR_DELIVERY, OrderStatus.CANCELLED},
    OrderStatus.OUT_FOR_DELIVERY: {OrderStatus.DELIVERED},
}
CUSTOMER_TRANSITIONS: dict[str, set[str]] = {
    OrderStatus.RECEIVED: {OrderStatus.CANCELLED},
}
NEXT_STATUS: dict[str, str] = {
    OrderStatus.RECEIVED: OrderStatus.PREPARING,
    OrderStatus.PREPARING: OrderStatus.OUT_FOR_DELIVERY,
    OrderStatus.OUT_FOR_DELIVERY: OrderStatus.DELIVERED,
}


@transaction.atomic
def order_place(
    *,
    user: User | None,
    customer_name: str,
    phone: str,
    delivery_address: DeliveryAddress,
    items: list[ItemChoice],
    note: str = "",
    idempotency_key: str | None = None,
) -> tuple[Order, bool]:
    """Place an order priced from the menu; returns ``(order, created)``.

    With an ``idempotency_key`` already used for the same request, the first order
    is returned (``created`` False); used for a different request: 409. ``phone``
    is already in E.164. Orders of an authenticated ``user`` are linked to them.
    """
    fingerprint = _request_fingerprint(
        user=user,
        request={
            "customer_name": customer_name,
            "phone": phone,
            "delivery_address": delivery_address,
            "items": items,
            "note": note,
        },
    )
    if idempotency_key:
        earlier = _order_for_idempotency_key(key=idempotency_key, fingerprint=fingerprint)
        if earlier is not None:
            return earlier, False

    priced_items, total = _price_items(items=items)
    try:
        # A savepoint: a concurrent request that inserted the same key first makes
        # this insert fail, and its order is the answer.
        with transaction.atomic():
            order = Order.objects.create(
                user=user,
                customer_name=customer_name,
                phone=phone,
                **delivery_address,
                note=note,
                total=total,
                idempotency_key=idempotency_key or None,
                request_fingerprint=fingerprint,
            )
    except IntegrityError:
        earlier = idempotency_key and _order_for_idempotency_key(
            key=idempotency_key, fingerprint=fingerprint
        )
        if not earlier:
            raise
        return earlier, False

    _save_items(order=order, priced_items=priced_items)
    OrderStatusChange.objects.create(
        order=order, from_status="", to_status=OrderStatus.RECEIVED, changed_by=user
    )
    return order, True


def _request_fingerprint(*, user: User | None, request: dict) -> str:
    canonical = json.dumps({"user": user.pk if user else None, **request}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _order_for_idempotency_key(*, key: str, fingerprint: str) -> Order | None:
    # Inside order_place's transaction, so read on the primary: a retry finds the first
    # order however far the replicas lag.
    order = Order.objects.filter(idempotency_key=key).first()
    if order is not None and order.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different order.",
            fields={"Idempotency-Key": ["Use a new key for a new order."]},
        )
    return order


def _price_items(*, items: list[ItemChoice]) -> tuple[list[tuple[OrderItem, list]], Decimal]:
    """The items as unsaved rows priced from the menu, and the order's total.

    Every broken rule is reported at once, each under the path of its field.
    """
    pizza_ids = {item["pizza"] for item in items}
    extra_ids = {choice["extra"] for item in items for choice in item["extras"]}
    pizzas = Pizza.objects.filter(pk__in=pizza_ids, is_available=True).in_bulk()
    extras = Extra.objects.filter(pk__in=extra_ids).in_bulk()
    offers = {
        (offer.pizza_id, offer.extra_id): offer
        for offer in PizzaExtra.objects.filter(
            pizza_id__in=pizza_ids, extra_id__in=extra_ids
        ).select_related("extra")
    }

    errors: dict[str, list[str]] = {}
    priced: list[tuple[OrderItem, list]] = []
    total = Decimal("0.00")
    for index, item in enumerate(items):
        pizza = pizzas.get(item["pizza"])
        if pizza is None:
            errors[f"items.{index}.pizza"] = [f"No pizza with id {item['pizza']} on the menu."]
            continue
        item_extras = []
        extras_price = Decimal("0.00")
        seen_extra_ids = set()
        for extra_index, choice in enumerate(item["extras"]):
            path = f"items.{index}.extras.{extra_index}.extra"
            extra = extras.get(choice["extra"])
            offer = offers.get((pizza.pk, choice["extra"]))
            if choice["extra"] in seen_extra_ids:
                errors[path] = ["This extra is listed twice on this item: raise its quantity."]
            elif extra is None:
                errors[path] = [f"No extra with id {choice['extra']}."]
            elif offer is None:
                errors[path] = [f"{extra.name} is not offered for {pizza.name}."]
            else:
                seen_extra_ids.add(extra.pk)
                unit_price = offer.price
                extras_price += unit_price * choice["quantity"]
                item_extras.append(
                    OrderItemExtra(
                        extra=extra,
                        extra_name=extra.name,
                        quantity=choice["quantity"],
                        unit_price=unit_price,
                    )
                )
        line_total = item["quantity"] * (pizza.price + extras_price)
        total += line_total
        order_item = OrderItem(
            pizza=pizza,
            pizza_name=pizza.name,
            quantity=item["quantity"],
            unit_price=pizza.price,
            line_total=line_total,
        )
        priced.append((order_item, item_extras))
    if errors:
        raise ApplicationError.invalid(errors)
    return priced, total


def _save_items(*, order: Order, priced_items: list[tuple[OrderItem, list]]) -> None:
    for order_item, _ in priced_items:
        order_item.order = order
    OrderItem.objects.bulk_create([order_item for order_item, _ in priced_items])
    item_extras = []
    for order_item, extras in priced_items:
        for item_extra in extras:
            item_extra.item = order_item
            item_extras.append(item_extra)
    OrderItemExtra.objects.bulk_create(item_extras)


@transaction.atomic
def order_status_change(*, order_id, status: str, by: User) -> Order:
    """Move an order to ``status`` along the flow of API.md, recording who and when.

    Staff move it forward or cancel it; the customer who placed it may cancel it
    while it is received. Anyone else: 403. Any other move: 409.
    """
    return _move(order=_locked_order(order_id=order_id), status=status, by=by)


@transaction.atomic
def order_status_advance(*, order_id, by: User) -> Order:
    """Move an order to the next status of the flow (received -> preparing -> ...)."""
    order = _locked_order(order_id=order_id)
    if order.status not in NEXT_STATUS:
        raise Conflict(
            f"An order that is {order.status} has no next status.", code="invalid_transition"
        )
    return _move(order=order, status=NEXT_STATUS[order.status], by=by)


def _locked_order(*, order_id) -> Order:
    # Locked, so that two concurrent moves cannot both start from the same status.
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound("No order with this id.")
    return order


def _move(*, order: Order, status: str, by: User) -> Order:
    is_customer = order.user_id is not None and order.user_id == by.pk
    if not (by.is_staff or is_customer):
        raise OrderPermissionDenied("Only staff and the customer may change an order.")
    allowed = STAFF_TRANSITIONS if by.is_staff else CUSTOMER_TRANSITIONS
    if status not in allowed.get(order.status, set()):
        raise Conflict(
            f"An order that is {order.status} cannot become {status}.",
            code="invalid_transition",
        )
    OrderStatusChange.objects.create(
        order=order, from_status=order.status, to_status=status, changed_by=by
    )
    order.status = status
    order.save(update_fields=["status", "updated_at"])
    return order
