"""The menu of the original pizza-delivery service, with placeholder pictures."""

import json
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from orders.models import Extra, Ingredient, Pizza, PizzaExtra
from orders.placeholder_images import pizza_image_jpeg

MENU_FIXTURE = Path(__file__).parent / "fixtures" / "menu.json"
IMAGE_FOLDER = "pizzas"


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
