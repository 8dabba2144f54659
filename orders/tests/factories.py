from decimal import Decimal

import factory

from orders.models import Extra, Ingredient, Pizza, PizzaExtra


class IngredientFactory(factory.django.DjangoModelFactory[Ingredient]):
    class Meta:
        model = Ingredient
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"ingredient {n}")


class ExtraFactory(factory.django.DjangoModelFactory[Extra]):
    class Meta:
        model = Extra
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"extra {n}")
    price = Decimal("1.00")


class PizzaFactory(factory.django.DjangoModelFactory[Pizza]):
    class Meta:
        model = Pizza
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Pizza {n}")
    price = Decimal("10.00")

    @factory.post_generation
    def ingredients(self, create: bool, names: list[str] | None, **kwargs) -> None:
        if create and names:
            self.ingredients.set(IngredientFactory(name=name) for name in names)


class PizzaExtraFactory(factory.django.DjangoModelFactory[PizzaExtra]):
    class Meta:
        model = PizzaExtra

    pizza = factory.SubFactory(PizzaFactory)
    extra = factory.SubFactory(ExtraFactory)
    is_free = False
