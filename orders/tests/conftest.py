"""The small menu the orders tests order from, and a valid order body."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from orders.models import Extra, Pizza
from orders.tests.factories import ExtraFactory, PizzaExtraFactory, PizzaFactory


@dataclass
class Menu:
    margherita: Pizza
    meaty: Pizza
    ham: Extra
    onion: Extra
    cheese: Extra


@pytest.fixture
def menu(db) -> Menu:
    """Margherita 11.90 offers ham (2.00) and onion (free on it); Meaty 16.90
    offers ham and cheese (1.40)."""
    margherita = PizzaFactory(
        name="Margherita", price=Decimal("11.90"), ingredients=["tomato", "cheese"]
    )
    meaty = PizzaFactory(
        name="Meaty", price=Decimal("16.90"), ingredients=["tomato", "ham", "bacon"]
    )
    ham = ExtraFactory(name="ham", price=Decimal("2.00"))
    onion = ExtraFactory(name="onion", price=Decimal("1.00"))
    cheese = ExtraFactory(name="cheese", price=Decimal("1.40"))
    PizzaExtraFactory(pizza=margherita, extra=ham)
    PizzaExtraFactory(pizza=margherita, extra=onion, is_free=True)
    PizzaExtraFactory(pizza=meaty, extra=ham)
    PizzaExtraFactory(pizza=meaty, extra=cheese)
    return Menu(margherita=margherita, meaty=meaty, ham=ham, onion=onion, cheese=cheese)


@pytest.fixture
def order_body(menu):
    """``order_body(**changes)``: a valid order body (2 Margherita with 1 ham each,
    total 27.80), with top-level fields replaced by ``changes``."""

    def make(**changes) -> dict:
        body = {
            "customer_name": "Alice Author",
            "phone": "+36 30 123 4567",
            "delivery_address": {
                "street": "Andrássy út",
                "house_number": "12",
                "apartment": "3/4",
                "postal_code": "1061",
                "city": "Budapest",
                "country": "HU",
            },
            "items": [
                {
                    "pizza": menu.margherita.pk,
                    "quantity": 2,
                    "extras": [{"extra": menu.ham.pk, "quantity": 1}],
                }
            ],
            "note": "Ring twice.",
        }
        body.update(changes)
        return body

    return make
