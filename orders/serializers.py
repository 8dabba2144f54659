"""The menu and orders as clients see them, and the bodies clients send."""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError

from config.api import serializers
from config.api.converters import BIGINT_MAX
from config.api.query import ChoiceFilterField
from config.api.timestamps import api_timestamp
from orders.models import (
    EXTRA_QUANTITY_MAX,
    ITEM_QUANTITY_MAX,
    Order,
    OrderItem,
    OrderItemExtra,
    OrderStatus,
    OrderStatusChange,
    Pizza,
    PizzaExtra,
)
from orders.phone_numbers import COUNTRY_CODES, phone_number_to_e164

ITEMS_PER_ORDER_MAX = 50
# More than any pizza offers: each extra appears once per item, with its quantity.
EXTRAS_PER_ITEM_MAX = 20


class PizzaListQuerySerializer(serializers.Serializer):
    """The query of the menu."""

    name = serializers.CharField(
        required=False, allow_blank=True, help_text="Part of the pizza's name."
    )
    ingredient = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Only pizzas with this ingredient, e.g. `bacon`.",
    )


class OrderListQuerySerializer(serializers.Serializer):
    """The query of the order list."""

    status = ChoiceFilterField(choices=OrderStatus.choices)


class PizzaSerializer(serializers.ModelSerializer):
    ingredients = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    image = serializers.ImageField(
        read_only=True, allow_null=True, help_text="Absolute URL of the picture."
    )

    class Meta:
        model = Pizza
        fields = ("id", "name", "price", "ingredients", "image")


class PizzaExtraSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="extra.id", read_only=True)
    name = serializers.CharField(source="extra.name", read_only=True)
    price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        read_only=True,
        help_text="On this pizza: 0.00 where the extra is free on it.",
    )

    class Meta:
        model = PizzaExtra
        fields = ("id", "name", "price")


class DeliveryAddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ("street", "house_number", "apartment", "postal_code", "city", "country")
        extra_kwargs = {
            "apartment": {"required": False, "default": ""},
            "country": {
                "help_text": "ISO 3166-1 alpha-2 code, e.g. HU; phone numbers without "
                "+country code are read as numbers of this country."
            },
        }

    def validate_country(self, value: str) -> str:
        if value.upper() not in COUNTRY_CODES:
            raise serializers.ValidationError("Enter an ISO 3166-1 alpha-2 country code, e.g. HU.")
        return value.upper()


class ExtraChoiceSerializer(serializers.Serializer):
    extra = serializers.IntegerField(
        min_value=1, max_value=BIGINT_MAX, help_text="Id of an extra offered for the pizza."
    )
    quantity = serializers.IntegerField(min_value=1, max_value=EXTRA_QUANTITY_MAX)


class ItemChoiceSerializer(serializers.Serializer):
    pizza = serializers.IntegerField(
        min_value=1, max_value=BIGINT_MAX, help_text="Id of a pizza on the menu."
    )
    quantity = serializers.IntegerField(min_value=1, max_value=ITEM_QUANTITY_MAX)
    extras = ExtraChoiceSerializer(
        many=True, required=False, default=list, help_text=f"At most {EXTRAS_PER_ITEM_MAX}."
    )

    def validate_extras(self, extras: list) -> list:
        # Bounded like the items: the body of a public endpoint must not cost
        # thousands of checks (a few MB of extras took seconds to refuse).
        if len(extras) > EXTRAS_PER_ITEM_MAX:
            raise serializers.ValidationError(f"At most {EXTRAS_PER_ITEM_MAX} extras per item.")
        return extras


class OrderCreateSerializer(serializers.Serializer):
    """An order as a client places it. Prices are never read from it: they come
    from the menu."""

    customer_name = serializers.CharField(max_length=100)
    phone = serializers.CharField(
        max_length=40,
        help_text="A real phone number; without +country code it is read as a number of "
        "the delivery country. Answered in E.164.",
    )
    delivery_address = DeliveryAddressSerializer()
    items = ItemChoiceSerializer(many=True, help_text=f"1 to {ITEMS_PER_ORDER_MAX} items.")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate_items(self, items: list) -> list:
        if not 1 <= len(items) <= ITEMS_PER_ORDER_MAX:
            raise serializers.ValidationError(f"Order 1 to {ITEMS_PER_ORDER_MAX} items.")
        return items

    def validate_phone(self, phone: str) -> str:
        # Here rather than in validate(), which runs only once every field is valid:
        # a wrong phone number is reported together with the other broken fields.
        country = self._delivery_country()
        if country is None and not phone.lstrip().startswith("+"):
            # A local number needs a country; the missing or invalid country is
            # already reported under delivery_address.country.
            return phone
        try:
            return phone_number_to_e164(phone, country=country)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None

    def _delivery_country(self) -> str | None:
        """The delivery country as sent, when it is a valid code."""
        address = self.initial_data.get("delivery_address")
        country = address.get("country") if isinstance(address, dict) else None
        if isinstance(country, str) and country.strip().upper() in COUNTRY_CODES:
            return country.strip().upper()
        return None


class OrderStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices)


class OrderItemExtraSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderItemExtra
        fields = ("extra", "extra_name", "quantity", "unit_price")


class OrderItemSerializer(serializers.ModelSerializer):
    extras = OrderItemExtraSerializer(many=True, read_only=True)

    class Meta:
        model = OrderItem
        fields = ("pizza", "pizza_name", "quantity", "unit_price", "extras", "line_total")


class OrderStatusChangeSerializer(serializers.ModelSerializer):
    from_status = serializers.CharField(help_text="Empty for the placing of the order.")

    class Meta:
        model = OrderStatusChange
        fields = ("from_status", "to_status", "changed_at")


class OrderSerializer(serializers.ModelSerializer):
    delivery_address = DeliveryAddressSerializer(source="*", read_only=True)
    items = OrderItemSerializer(many=True, read_only=True)
    history = OrderStatusChangeSerializer(
        source="status_changes", many=True, read_only=True, help_text="Oldest first."
    )

    class Meta:
        model = Order
        fields = (
            "id",
            "status",
            "customer_name",
            "phone",
            "delivery_address",
            "items",
            "note",
            "total",
            "created_at",
            "updated_at",
            "history",
        )


CENT = Decimal("0.01")


def _money(value: Decimal) -> str:
    # As DRF's DecimalField of two decimal places writes it.
    return format(value.quantize(CENT), "f")


def order_list_data(orders: list[dict], details: list[tuple]) -> list[dict]:
    """``OrderSerializer(orders, many=True).data``, written out from the rows of
    ``orders.selectors.order_list`` and ``order_details``: the serializers' machinery
    cost several times the queries (orders/tests/test_serializers.py holds them equal)."""
    items_of = {order["id"]: [] for order in orders}
    history_of = {order["id"]: [] for order in orders}
    items = {}
    for (
        order_id, item_id, pizza_id, pizza_name, quantity, unit_price, line_total,
        extra_row_id, extra_id, extra_name, extra_quantity, extra_unit_price,
        from_status, to_status, changed_at, _change_id,
    ) in details:  # fmt: skip
        if item_id is None:
            history_of[order_id].append(
                {
                    "from_status": from_status,
                    "to_status": to_status,
                    "changed_at": api_timestamp(changed_at),
                }
            )
            continue
        item = items.get(item_id)
        if item is None:
            item = items[item_id] = {
                "pizza": pizza_id,
                "pizza_name": pizza_name,
                "quantity": quantity,
                "unit_price": _money(unit_price),
                "extras": [],
                "line_total": _money(line_total),
            }
            items_of[order_id].append(item)
        if extra_row_id is not None:
            item["extras"].append(
                {
                    "extra": extra_id,
                    "extra_name": extra_name,
                    "quantity": extra_quantity,
                    "unit_price": _money(extra_unit_price),
                }
            )
    return [
        {
            "id": str(order["id"]),
            "status": order["status"],
            "customer_name": order["customer_name"],
            "phone": order["phone"],
            "delivery_address": {
                "street": order["street"],
                "house_number": order["house_number"],
                "apartment": order["apartment"],
                "postal_code": order["postal_code"],
                "city": order["city"],
                "country": order["country"],
            },
            "items": items_of[order["id"]],
            "note": order["note"],
            "total": _money(order["total"]),
            "created_at": api_timestamp(order["created_at"]),
            "updated_at": api_timestamp(order["updated_at"]),
            "history": history_of[order["id"]],
        }
        for order in orders
    ]
