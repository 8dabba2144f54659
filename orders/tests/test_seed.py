"""manage.py seed: the original menu with a placeholder picture per pizza, and demo orders."""

import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from PIL import Image

from orders.models import Extra, Order, OrderStatusChange, Pizza, PizzaExtra


def _seed() -> str:
    output = io.StringIO()
    # The demo orders are the demo users', moved along by the staff account.
    apps.get_app_config("users").seed_demo_data(stdout=output)
    apps.get_app_config("orders").seed_demo_data(stdout=output)
    return output.getvalue()


@pytest.fixture
def clean_media():
    # The pictures live in the test MEDIA_ROOT, outside the rolled-back database.
    for name in default_storage.listdir("pizzas")[1] if default_storage.exists("pizzas") else []:
        default_storage.delete(f"pizzas/{name}")


@pytest.mark.django_db
def test_seed_loads_the_original_menu_with_a_picture_per_pizza(clean_media):
    assert "14 pizzas, 6 extras" in _seed()

    assert Pizza.objects.count() == 14
    assert Extra.objects.count() == 6
    assert PizzaExtra.objects.count() == 14 * 6
    meaty = Pizza.objects.get(name="Mighty Meaty")
    assert meaty.price == Decimal("16.90")
    assert sorted(meaty.ingredients.values_list("name", flat=True)) == [
        "ham",
        "mushrooms",
        "onion",
        "pepperoni",
        "sausage",
        "tomato",
    ]
    assert meaty.image.name == "pizzas/mighty-meaty-pizza.jpg"
    with default_storage.open(meaty.image.name) as picture:
        assert Image.open(picture).format == "JPEG"


@pytest.mark.django_db
def test_seeding_twice_changes_nothing_and_draws_no_picture_again(clean_media):
    _seed()
    images = {pizza.pk: pizza.image.name for pizza in Pizza.objects.all()}
    drawn_at = {name: default_storage.get_modified_time(name) for name in images.values()}

    _seed()

    assert Pizza.objects.count() == 14
    assert PizzaExtra.objects.count() == 14 * 6
    assert {pizza.pk: pizza.image.name for pizza in Pizza.objects.all()} == images
    assert {name: default_storage.get_modified_time(name) for name in images.values()} == drawn_at


@pytest.mark.django_db
def test_seeding_a_fresh_database_reuses_pictures_already_on_disk(clean_media):
    _seed()
    drawn_at = default_storage.get_modified_time("pizzas/meateor.jpg")
    Order.objects.all().delete()
    Pizza.objects.all().delete()

    _seed()

    assert Pizza.objects.get(name="Meateor").image.name == "pizzas/meateor.jpg"
    assert default_storage.get_modified_time("pizzas/meateor.jpg") == drawn_at


@pytest.mark.django_db
def test_seed_keeps_prices_that_staff_changed(clean_media):
    _seed()
    Pizza.objects.filter(name="Meateor").update(price=Decimal("18.00"))

    _seed()

    assert Pizza.objects.get(name="Meateor").price == Decimal("18.00")


@pytest.mark.django_db
def test_seed_places_demo_orders_in_every_kitchen_status_once(clean_media):
    assert "demo orders: 4 placed" in _seed()
    assert "demo orders: 0 placed, 4 already there" in _seed()

    assert sorted(Order.objects.values_list("status", flat=True)) == [
        "delivered",
        "out_for_delivery",
        "preparing",
        "received",
    ]
    mates = Order.objects.get(user__username="mate")
    assert (mates.customer_name, mates.total) == ("Mate Nagy", Decimal("42.70"))
    assert OrderStatusChange.objects.count() == 4 + 1 + 2 + 3
