"""The menu as staff curate it, and the orders as the kitchen follows them."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from config.api.errors import ApplicationError
from config.read_only_admin import ReadOnlyModelAdmin
from orders.models import (
    Extra,
    Ingredient,
    Order,
    OrderItem,
    OrderItemExtra,
    OrderStatusChange,
    Pizza,
    PizzaExtra,
)
from orders.services import order_status_advance


@admin.register(Ingredient)
class IngredientAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(Extra)
class ExtraAdmin(admin.ModelAdmin):
    list_display = ("name", "price")
    search_fields = ("name",)


class PizzaExtraInline(admin.TabularInline):
    model = PizzaExtra
    extra = 0
    autocomplete_fields = ("extra",)


@admin.register(Pizza)
class PizzaAdmin(admin.ModelAdmin):
    list_display = ("name", "price", "is_available", "thumbnail")
    list_editable = ("price", "is_available")
    list_filter = ("is_available", "ingredients")
    search_fields = ("name", "ingredients__name")
    filter_horizontal = ("ingredients",)
    inlines = (PizzaExtraInline,)

    @admin.display(description="picture")
    def thumbnail(self, pizza: Pizza) -> str:
        if not pizza.image:
            return "-"
        return format_html('<img src="{}" alt="" style="height: 40px">', pizza.image.url)


class ReadOnlyInline(admin.TabularInline):
    """Rows written once by the services: shown, never edited in the admin."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class OrderItemInline(ReadOnlyInline):
    model = OrderItem
    fields = ("pizza_name", "quantity", "unit_price", "extras_list", "line_total")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrderItem]:
        return super().get_queryset(request).prefetch_related("extras")

    @admin.display(description="extras")
    def extras_list(self, item: OrderItem) -> str:
        return ", ".join(
            f"{extra.quantity} x {extra.extra_name} ({extra.unit_price})"
            for extra in item.extras.all()
        )


class OrderStatusChangeInline(ReadOnlyInline):
    model = OrderStatusChange
    fields = ("changed_at", "from_status", "to_status", "changed_by")
    readonly_fields = fields
    verbose_name_plural = "status history"

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrderStatusChange]:
        return super().get_queryset(request).select_related("changed_by")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("short_id", "created_at", "customer_name", "user", "phone", "status", "total")
    list_filter = ("status", "created_at")
    list_select_related = ("user",)
    search_fields = ("id", "customer_name", "phone", "user__username", "city", "street")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    inlines = (OrderItemInline, OrderStatusChangeInline)
    actions = ("advance_status",)
    # An order is what the customer sent, priced at that moment: the admin shows
    # it, and moves it along the status flow only through the service.
    readonly_fields = (
        "id",
        "status",
        "user",
        "customer_name",
        "phone",
        "street",
        "house_number",
        "apartment",
        "postal_code",
        "city",
        "country",
        "note",
        "total",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("id", "status", "total", "created_at", "updated_at")}),
        ("Customer", {"fields": ("user", "customer_name", "phone", "note")}),
        (
            "Delivery address",
            {"fields": ("street", "house_number", "apartment", "postal_code", "city", "country")},
        ),
    )

    @admin.display(description="order", ordering="id")
    def short_id(self, order: Order) -> str:
        return str(order.id)[:8]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Move selected orders to the next status")
    def advance_status(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        moved = 0
        for order_id in queryset.values_list("id", flat=True):
            try:
                order_status_advance(order_id=order_id, by=request.user)
            except ApplicationError as error:
                self.message_user(
                    request, f"Order {str(order_id)[:8]}: {error.detail}", messages.WARNING
                )
            else:
                moved += 1
        if moved:
            self.message_user(request, f"{moved} order(s) moved to their next status.")


@admin.register(PizzaExtra)
class PizzaExtraAdmin(admin.ModelAdmin):
    list_display = ("pizza", "extra", "is_free")
    list_editable = ("is_free",)
    list_filter = ("is_free", "extra")
    list_select_related = ("pizza", "extra")
    search_fields = ("pizza__name", "extra__name")
    autocomplete_fields = ("pizza", "extra")


@admin.register(OrderItem)
class OrderItemAdmin(ReadOnlyModelAdmin):
    list_display = ("order", "pizza_name", "quantity", "unit_price", "line_total")
    list_filter = ("pizza",)
    list_select_related = ("order",)
    search_fields = ("pizza_name", "order__id", "order__customer_name")


@admin.register(OrderItemExtra)
class OrderItemExtraAdmin(ReadOnlyModelAdmin):
    list_display = ("item", "extra_name", "quantity", "unit_price")
    list_filter = ("extra",)
    list_select_related = ("item",)
    search_fields = ("extra_name", "item__order__id")


@admin.register(OrderStatusChange)
class OrderStatusChangeAdmin(ReadOnlyModelAdmin):
    list_display = ("order", "from_status", "to_status", "changed_by", "changed_at")
    list_filter = ("to_status", "changed_at")
    list_select_related = ("order", "changed_by")
    search_fields = ("order__id", "changed_by__username")
    date_hierarchy = "changed_at"
