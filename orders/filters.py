"""Query parameters of the menu and order lists."""

import django_filters

from orders.models import Order, OrderStatus, Pizza


class PizzaFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", help_text="Part of the pizza's name."
    )
    ingredient = django_filters.CharFilter(
        field_name="ingredients__name",
        lookup_expr="iexact",
        help_text="Only pizzas with this ingredient, e.g. `bacon`.",
    )

    class Meta:
        model = Pizza
        fields = ("name", "ingredient")


class OrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)

    class Meta:
        model = Order
        fields = ("status",)
