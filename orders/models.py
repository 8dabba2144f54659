"""The pizza menu (pizzas, ingredients, extras and which extras each pizza offers)
and the orders placed from it.

An order copies every price it uses at the moment it is placed: later changes to
the menu never change an existing order.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

MONEY = {"max_digits": 10, "decimal_places": 2}
# Of every price on the menu and every order (the original menu's, fixtures/menu.json).
CURRENCY = "EUR"
ITEM_QUANTITY_MAX = 20
EXTRA_QUANTITY_MAX = 5


class Ingredient(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ("name",)
        constraints = [models.UniqueConstraint(Lower("name"), name="ingredient_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class Extra(models.Model):
    """A topping a customer may add to a pizza, at its price unless free on that pizza."""

    name = models.CharField(max_length=50)
    price = models.DecimalField(**MONEY)

    class Meta:
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(Lower("name"), name="extra_name_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="extra_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Pizza(models.Model):
    name = models.CharField(max_length=100)
    price = models.DecimalField(**MONEY)
    ingredients = models.ManyToManyField(Ingredient, related_name="pizzas", blank=True)
    extras = models.ManyToManyField(Extra, through="PizzaExtra", related_name="pizzas", blank=True)
    image = models.ImageField(upload_to="pizzas/", blank=True)
    # A pizza that was ever ordered cannot be deleted (its orders refer to it):
    # staff take it off the menu instead.
    is_available = models.BooleanField(default=True, help_text="Shown on the menu and orderable.")

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(Lower("name"), name="pizza_name_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="pizza_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PizzaExtra(models.Model):
    """An extra offered for a pizza; ``is_free`` makes it cost nothing on that pizza."""

    pizza = models.ForeignKey(Pizza, on_delete=models.CASCADE, related_name="offers")
    extra = models.ForeignKey(Extra, on_delete=models.CASCADE, related_name="offers")
    is_free = models.BooleanField(default=False)

    class Meta:
        ordering = ("pizza", "extra__name")
        verbose_name = "extra offered"
        verbose_name_plural = "extras offered"
        constraints = [
            models.UniqueConstraint(fields=["pizza", "extra"], name="pizza_extra_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.extra} on {self.pizza}"

    @property
    def price(self) -> Decimal:
        """What the extra costs on this pizza."""
        return Decimal("0.00") if self.is_free else self.extra.price


class OrderStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PREPARING = "preparing", "Preparing"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


class Order(models.Model):
    # The id is a capability: whoever holds it may read the order (API.md).
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        db_index=False,  # order_user_created_idx starts with it
    )
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.RECEIVED
    )
    customer_name = models.CharField(max_length=100)
    phone = models.CharField(max_length=20, help_text="E.164, e.g. +36301234567.")
    street = models.CharField(max_length=200)
    house_number = models.CharField(max_length=20)
    apartment = models.CharField(max_length=50, blank=True)
    postal_code = models.CharField(max_length=20)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code, e.g. HU.")
    note = models.CharField(max_length=500, blank=True)
    total = models.DecimalField(**MONEY)
    # A retried POST with the same key returns this order; the fingerprint of the
    # first request tells a retry from a different order reusing the key. NULL, not
    # "", for "no key": the unique constraint then holds only between real keys.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True, editable=False)  # noqa: DJ001
    request_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="order_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=OrderStatus.values), name="order_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="order_total_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="order_created_idx"),
            models.Index(fields=["user", "-created_at", "-id"], name="order_user_created_idx"),
            models.Index(fields=["status", "-created_at", "-id"], name="order_status_created_idx"),
        ]

    def __str__(self) -> str:
        return f"Order {str(self.id)[:8]} for {self.customer_name}"


class OrderItem(models.Model):
    """``quantity`` identical pizzas, each with the same extras, priced at order time."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    pizza = models.ForeignKey(Pizza, on_delete=models.PROTECT, related_name="order_items")
    pizza_name = models.CharField(max_length=100)
    quantity = models.PositiveSmallIntegerField()
    unit_price = models.DecimalField(**MONEY)
    line_total = models.DecimalField(**MONEY)

    class Meta:
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=ITEM_QUANTITY_MAX),
                name="order_item_quantity_range",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0, line_total__gte=0),
                name="order_item_prices_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.pizza_name}"


class OrderItemExtra(models.Model):
    item = models.ForeignKey(OrderItem, on_delete=models.CASCADE, related_name="extras")
    extra = models.ForeignKey(Extra, on_delete=models.PROTECT, related_name="order_item_extras")
    extra_name = models.CharField(max_length=50)
    quantity = models.PositiveSmallIntegerField()
    # 0.00 when the extra was free on that pizza.
    unit_price = models.DecimalField(**MONEY)

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(fields=["item", "extra"], name="order_item_extra_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=EXTRA_QUANTITY_MAX),
                name="order_item_extra_quantity_range",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="order_item_extra_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.extra_name}"


class OrderStatusChange(models.Model):
    """One step of an order's history: who moved it to which status, and when."""

    order = models.ForeignKey(
        Order,
        on_delete=models.CASCADE,
        related_name="status_changes",
        db_index=False,  # order_status_change_idx starts with it
    )
    # Empty for the creation of the order.
    from_status = models.CharField(max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    # Empty when an anonymous customer placed the order (or the account was deleted).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="order_status_changes",
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("changed_at", "id")
        indexes = [models.Index(fields=["order", "changed_at"], name="order_status_change_idx")]

    def __str__(self) -> str:
        return f"Order {str(self.order_id)[:8]}: {self.from_status or 'new'} → {self.to_status}"
