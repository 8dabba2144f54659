"""Placeholder pictures of the pizzas: the original service never published its own.

A round pizza seen from above, its toppings coloured after its ingredients, and its
name underneath. Drawn from the name alone, so the same pizza always looks the same.
"""

import io
import math
import random

from PIL import Image, ImageDraw, ImageFont

SIZE = (480, 400)
BACKGROUND = (250, 244, 232)
CRUST = (214, 160, 84)
SAUCE = {"bbq sauce": (120, 52, 30), "garlic sauce": (240, 232, 205)}
TOMATO_SAUCE = (196, 48, 32)
CHEESE = (250, 214, 110)
TEXT = (70, 40, 20)
# Topping colours by the first word of an ingredient; others get a neutral brown.
TOPPING_COLOURS = {
    "pepperoni": (170, 30, 30),
    "ham": (236, 150, 150),
    "bacon": (200, 90, 80),
    "sausage": (130, 70, 50),
    "beef": (100, 55, 40),
    "pork": (150, 90, 70),
    "chicken": (235, 205, 160),
    "roast": (210, 160, 100),
    "onion": (190, 130, 200),
    "mushrooms": (160, 140, 120),
    "green": (60, 150, 60),
    "jalapeno": (40, 120, 40),
    "spinach": (30, 100, 40),
    "cheese": (255, 235, 160),
    "tomato": (220, 60, 50),
}
OTHER_TOPPING = (120, 80, 50)


def pizza_image_jpeg(*, name: str, ingredients: list[str]) -> bytes:
    """A JPEG picture of a pizza called ``name`` with these ``ingredients``."""
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    centre_x, centre_y, radius = SIZE[0] // 2, 170, 150
    _disc(draw, centre_x, centre_y, radius, CRUST)
    sauce = next((SAUCE[i] for i in ingredients if i in SAUCE), TOMATO_SAUCE)
    _disc(draw, centre_x, centre_y, radius - 14, sauce)
    if "cheese" in ingredients or sauce == TOMATO_SAUCE:
        _disc(draw, centre_x, centre_y, radius - 26, CHEESE)

    toppings = [i for i in ingredients if i not in SAUCE and i not in {"tomato", "cheese"}]
    randomness = random.Random(name)
    for ingredient in toppings:
        colour = TOPPING_COLOURS.get(ingredient.split()[0], OTHER_TOPPING)
        for _ in range(7):
            distance = (radius - 45) * randomness.random() ** 0.5
            angle = randomness.uniform(0, 2 * math.pi)
            x = centre_x + distance * math.cos(angle)
            y = centre_y + distance * math.sin(angle)
            _disc(draw, x, y, randomness.randint(7, 12), colour)

    font = ImageFont.load_default(size=30)
    draw.text((centre_x, 360), name, fill=TEXT, font=font, anchor="mm")
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85)
    return output.getvalue()


def _disc(draw: ImageDraw.ImageDraw, x: float, y: float, radius: float, colour) -> None:
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
