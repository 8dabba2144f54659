"""The menu (cached) and orders: parse, call a service or selector, serialize."""

import hashlib

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.cache_control import PrivateNoStoreMixin
from config.api.converters import BigIntegerIdConverter
from config.api.errors import INVALID_INPUT, ApplicationError, error_body, error_response
from config.api.pagination import CursorPagination
from config.api.query import choice_filter_parameter
from orders import selectors, services
from orders.menu_cache import menu_cached
from orders.models import Order, OrderStatus, Pizza
from orders.serializers import (
    OrderCreateSerializer,
    OrderListQuerySerializer,
    OrderSerializer,
    OrderStatusSerializer,
    PizzaExtraSerializer,
    PizzaListQuerySerializer,
    PizzaSerializer,
    order_list_data,
)
from orders.throttles import AnonymousOrderIPThrottle

# What the column holds: a longer key is a 400, not a database error.
IDEMPOTENCY_KEY_MAX_LENGTH = Order._meta.get_field("idempotency_key").max_length


def _cache_key(request: Request) -> str:
    # The whole URL: the answer holds absolute links built from host and query.
    return hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()


# The ids of a freshly seeded menu (`manage.py seed`), so that "Try it out" succeeds.
PIZZA_ID_PARAMETER = OpenApiParameter(
    name="id",
    type=str,
    location=OpenApiParameter.PATH,
    pattern=f"^{BigIntegerIdConverter.regex}$",
    description="The pizza's id, as the menu lists it.",
    examples=[
        OpenApiExample("Cheese & Tomato", value="1"),
        OpenApiExample("Mighty Meaty", value="2"),
    ],
)
NO_PIZZA = error_response(
    "No pizza with this id on the menu.", error_body(404, "not_found", "Not found.")
)


@extend_schema_view(
    list=extend_schema(
        summary="The menu",
        description="The pizzas on the menu, in menu order; `?name=` matches part of the "
        "name, `?ingredient=` an ingredient (ignoring case). Served from a cache that "
        "staff changes in the admin refresh at once.",
        parameters=[PizzaListQuerySerializer],
    ),
    retrieve=extend_schema(
        summary="One pizza of the menu",
        parameters=[PIZZA_ID_PARAMETER],
        responses={200: PizzaSerializer, 404: NO_PIZZA},
    ),
)
@extend_schema(tags=["menu"])
class PizzaViewSet(viewsets.ReadOnlyModelViewSet):
    """The menu: anyone may read it; answers come from the cache."""

    # The same menu for everyone: credentials are not read, so a stale token sent along
    # does not get in the way (and /docs/ shows no padlock).
    authentication_classes = ()
    permission_classes = [AllowAny]
    serializer_class = PizzaSerializer
    pagination_class = CursorPagination
    ordering = ("id",)
    lookup_field = "id"
    # Longer numbers would overflow a bigint: they are unknown paths (404).
    lookup_value_converter = "bigint_id"

    def get_queryset(self):
        # For the schema only: every action reads through its selector.
        return Pizza.objects.none()

    def list(self, request: Request, *args, **kwargs) -> Response:
        return Response(menu_cached(_cache_key(request), self._page_data))

    def retrieve(self, request: Request, id: int) -> Response:
        return Response(menu_cached(_cache_key(request), lambda: self._pizza_data(id)))

    @extend_schema(
        parameters=[PIZZA_ID_PARAMETER],
        responses={200: PizzaExtraSerializer(many=True), 404: NO_PIZZA},
        summary="The extras offered for a pizza",
        description="Not paginated: a pizza offers a handful of extras.",
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def extras(self, request: Request, id: int) -> Response:
        return Response(menu_cached(_cache_key(request), lambda: self._extras_data(id)))

    def _page_data(self) -> dict:
        query = PizzaListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.pizza_list(**query.validated_data))
        return self.get_paginated_response(self.get_serializer(page, many=True).data).data

    def _pizza_data(self, pizza_id: int) -> dict:
        pizza = selectors.pizza_get(pizza_id=pizza_id)
        return PizzaSerializer(pizza, context=self.get_serializer_context()).data

    def _extras_data(self, pizza_id: int) -> list:
        return PizzaExtraSerializer(selectors.pizza_extra_list(pizza_id=pizza_id), many=True).data


# Written out: drf-spectacular makes every field of a PATCH body optional, but a
# status change without a status is a 400.
ORDER_STATUS_REQUEST = {
    "application/json": {
        "type": "object",
        "properties": {"status": {"type": "string", "enum": OrderStatus.values}},
        "required": ["status"],
    }
}

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name="Idempotency-Key",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        f"Any unique string up to {IDEMPOTENCY_KEY_MAX_LENGTH} characters (a random UUID is "
        "best): a retried POST with the same key and the same body answers the first order "
        "with 200 instead of creating a second one. The same key with a different body (or "
        "from another account) answers 409 `idempotency_key_reused`. Keys do not expire."
    ),
)


# Prefilled in /docs/: it succeeds on a freshly seeded menu (pizza 2 is Mighty Meaty,
# which offers extra 3, bacon); the phone is written as a customer would.
ORDER_EXAMPLE = OpenApiExample(
    "Three pizzas to an address in Budapest",
    request_only=True,
    value={
        "customer_name": "Mate Nagy",
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
            {"pizza": 2, "quantity": 1, "extras": [{"extra": 3, "quantity": 1}]},
            {"pizza": 1, "quantity": 2, "extras": []},
        ],
        "note": "Ring twice.",
    },
)
NO_ORDER = error_response(
    "No order with this id.", error_body(404, "not_found", "No order with this id.")
)


@extend_schema(tags=["orders"])
class OrderViewSet(PrivateNoStoreMixin, viewsets.GenericViewSet):
    """Orders: anyone places one; the id is the capability to read it. A customer's
    name, phone and address, readable by anyone holding the URL: never kept by a
    shared cache or left in a browser's."""

    serializer_class = OrderSerializer
    pagination_class = CursorPagination
    ordering = ("-created_at", "-id")
    lookup_field = "id"
    lookup_value_converter = "hex_uuid"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.action in {"create", "retrieve"}:
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_throttles(self):
        if self.action == "create":
            return [AnonymousOrderIPThrottle()]
        return super().get_throttles()

    def get_queryset(self):
        # For the schema only: every action reads through its selector.
        return Order.objects.none()

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=OrderCreateSerializer,
        examples=[ORDER_EXAMPLE],
        responses={
            201: OrderSerializer,
            200: OpenApiResponse(OrderSerializer, description="A retry: the first order."),
            400: error_response(
                "Invalid order, with a message per field.",
                error_body(
                    400,
                    "invalid",
                    INVALID_INPUT,
                    {
                        "phone": ["This phone number does not exist."],
                        "items.0.pizza": ["No pizza with id 99 on the menu."],
                    },
                ),
            ),
            409: error_response(
                "The Idempotency-Key was used for another order.",
                error_body(
                    409,
                    "idempotency_key_reused",
                    "This Idempotency-Key was already used for a different order.",
                    {"Idempotency-Key": ["Use a new key for a new order."]},
                ),
            ),
            429: error_response(
                "Too many orders from this IP without an account; the `Retry-After` "
                "header gives the seconds to wait.",
                error_body(
                    429, "throttled", "Request was throttled. Expected available in 42 seconds."
                ),
            ),
        },
        summary="Place an order",
        description=(
            "Anyone may order; an authenticated customer's order is linked to them. "
            "Prices come from the menu at this moment and are stored on the order: any "
            "price in the body is ignored. Phone numbers are answered in E.164."
        ),
    )
    def create(self, request: Request) -> Response:
        serializer = OrderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order, created = services.order_place(
            user=request.user if request.user.is_authenticated else None,
            idempotency_key=self._idempotency_key(request),
            **serializer.validated_data,
        )
        order = selectors.order_get(order_id=order.pk)
        return Response(
            OrderSerializer(order).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        summary="Your orders",
        description="Newest first. Staff see every order; everyone else only their own.",
        parameters=[
            OrderListQuerySerializer,
            choice_filter_parameter("status", OrderStatus.choices),
        ],
    )
    def list(self, request: Request) -> Response:
        query = OrderListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        orders = selectors.order_list(user=request.user, **query.validated_data)
        page = self.paginate_queryset(orders)
        details = selectors.order_details(order_ids=[order["id"] for order in page])
        return self.get_paginated_response(order_list_data(page, details))

    @extend_schema(
        summary="One order",
        description="Whoever holds the order's id may read it (the id is the capability).",
        responses={200: OrderSerializer, 404: NO_ORDER},
    )
    def retrieve(self, request: Request, id: str) -> Response:
        return Response(OrderSerializer(selectors.order_get(order_id=id)).data)

    @extend_schema(
        request=ORDER_STATUS_REQUEST,
        examples=[
            OpenApiExample("Start preparing it", value={"status": "preparing"}, request_only=True),
            OpenApiExample("Cancel it", value={"status": "cancelled"}, request_only=True),
        ],
        responses={
            200: OrderSerializer,
            400: error_response(
                "No status, or not one of the statuses.",
                error_body(
                    400, "invalid", INVALID_INPUT, {"status": ['"cooked" is not a valid choice.']}
                ),
            ),
            401: error_response(
                "Not logged in.",
                error_body(
                    401, "not_authenticated", "Authentication credentials were not provided."
                ),
            ),
            403: error_response(
                "Neither staff nor the customer of this order.",
                error_body(
                    403, "permission_denied", "Only staff and the customer may change an order."
                ),
            ),
            404: NO_ORDER,
            409: error_response(
                "The flow does not allow this move.",
                error_body(
                    409,
                    "invalid_transition",
                    "An order that is delivered cannot become preparing.",
                ),
            ),
        },
        summary="Change the status of an order",
        description=(
            "Staff: received -> preparing -> out_for_delivery -> delivered, and cancelled "
            "from received or preparing. The customer who placed the order (logged in) may "
            "cancel it while it is received. Any other move: 409 `invalid_transition`. "
            "Someone else: 403 (holding the id lets you read the order, not change it)."
        ),
    )
    def partial_update(self, request: Request, id: str) -> Response:
        serializer = OrderStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.order_status_change(
            order_id=id, status=serializer.validated_data["status"], by=request.user
        )
        return Response(OrderSerializer(selectors.order_get(order_id=id)).data)

    @staticmethod
    def _idempotency_key(request: Request) -> str | None:
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
            raise ApplicationError.invalid(
                {"Idempotency-Key": [f"At most {IDEMPOTENCY_KEY_MAX_LENGTH} characters."]}
            )
        return key or None
