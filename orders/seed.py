"""The menu of the original pizza-delivery service, with placeholder pictures, and a
few demo orders for the kitchen's admin."""

import json
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from orders.models import Extra, Ingredient, OrderStatus, Pizza, PizzaExtra
from orders.placeholder_images import pizza_image_jpeg
from orders.services import order_place, order_status_change
from users.models import User
from users.selectors import user_get_by_username

MENU_FIXTURE = Path(__file__).parent / "fixtures" / "menu.json"
IMAGE_FOLDER = "pizzas"
# The staff account that the users app seeds moves the demo orders along.
STAFF_USERNAME = "admin"
DELIVERY_ADDRESS = {
    "street": "Andrássy út",
    "house_number": "12",
    "apartment": "",
    "postal_code": "1061",
    "city": "Budapest",
    "country": "HU",
}
# One order in each status the kitchen sees; the Idempotency-Key makes a second
# seed find the order it placed the first time instead of placing another.
DEMO_ORDERS = [
    {
        "key": "demo-order-1",
        "customer": "mate",
        "phone": "+36301234567",
        "items": [("Mighty Meaty", 1, [("bacon", 1)]), ("Cheese & Tomato", 2, [])],
        "path": [],
    },
    {
        "key": "demo-order-2",
        "customer": "sara",
        "phone": "+36209876543",
        "items": [("Vegi Supreme", 1, [("mushrooms", 2)])],
        "path": [OrderStatus.PREPARING],
    },
    {
        "key": "demo-order-3",
        "customer": None,
        "phone": "+36705551234",
        "items": [("Pepperoni Passion", 3, [])],
        "path": [OrderStatus.PREPARING, OrderStatus.OUT_FOR_DELIVERY],
    },
    {
        "key": "demo-order-4",
        "customer": "andras",
        "phone": "+36301112233",
        "items": [("Texas BBQ", 1, [("onion", 1), ("cheese", 1)])],
        "path": [OrderStatus.PREPARING, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED],
    },
]


@transaction.atomic
def seed_menu(*, stdout) -> None:
    """Load the menu (idempotent: what exists is left as staff may have changed it)."""
    menu = json.loads(MENU_FIXTURE.read_text())
    extras = [
        Extra.objects.get_or_create(
            name=entry["name"], defaults={"price": Decimal(entry["price"])}
        )[0]
        for entry in menu["extras"]
    ]
    for entry in menu["pizzas"]:
        pizza, created = Pizza.objects.get_or_create(
            name=entry["name"], defaults={"price": Decimal(entry["price"])}
        )
        if created:
            pizza.ingredients.set(
                Ingredient.objects.get_or_create(name=name)[0] for name in entry["ingredients"]
            )
            # Every extra of the original menu is "offered_for: all pizzas".
            PizzaExtra.objects.bulk_create(PizzaExtra(pizza=pizza, extra=extra) for extra in extras)
        _ensure_image(pizza=pizza, file_name=entry["image"], ingredients=entry["ingredients"])
    stdout.write(f"menu: {len(menu['pizzas'])} pizzas, {len(extras)} extras")


def _ensure_image(*, pizza: Pizza, file_name: str, ingredients: list[str]) -> None:
    """Draw the pizza's picture unless it has one, or the file is already there."""
    storage = pizza.image.storage
    if pizza.image and storage.exists(pizza.image.name):
        return
    name = f"{IMAGE_FOLDER}/{file_name}"
    if storage.exists(name):
        pizza.image.name = name
        pizza.save(update_fields=["image"])
        return
    image = pizza_image_jpeg(name=pizza.name, ingredients=ingredients)
    pizza.image.save(file_name, ContentFile(image), save=True)


@transaction.atomic
def seed_orders(*, stdout) -> None:
    """Place the demo orders through the service, as customers would (idempotent)."""
    staff = user_get_by_username(username=STAFF_USERNAME)
    pizzas = {pizza.name: pizza.pk for pizza in Pizza.objects.all()}
    extras = {extra.name: extra.pk for extra in Extra.objects.all()}
    placed = 0
    for entry in DEMO_ORDERS:
        customer = entry["customer"] and user_get_by_username(username=entry["customer"])
        order, created = order_place(
            user=customer,
            customer_name=_name_of(customer) if customer else "Walk-in Customer",
            phone=entry["phone"],
            delivery_address=DELIVERY_ADDRESS,
            items=[
                {
                    "pizza": pizzas[pizza],
                    "quantity": quantity,
                    "extras": [{"extra": extras[name], "quantity": n} for name, n in chosen],
                }
                for pizza, quantity, chosen in entry["items"]
            ],
            idempotency_key=entry["key"],
        )
        if created:
            placed += 1
            for status in entry["path"]:
                order_status_change(order_id=order.pk, status=status, by=staff)
    stdout.write(f"demo orders: {placed} placed, {len(DEMO_ORDERS) - placed} already there")


def _name_of(user: User) -> str:
    return user.get_full_name() or user.username
