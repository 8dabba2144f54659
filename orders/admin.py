"""The menu as staff curate it, and the orders as the kitchen follows them."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from config.api.errors import ApplicationError
from config.read_only_admin import ReadOnlyModelAdmin
from orders.models import (
    CURRENCY,
    Extra,
    Ingredient,
    Order,
    OrderItem,
    OrderItemExtra,
    OrderStatus,
    OrderStatusChange,
    Pizza,
    PizzaExtra,
)
from orders.phone_numbers import phone_number_to_e164
from orders.services import (
    NEXT_STATUS,
    STAFF_TRANSITIONS,
    order_status_advance,
    order_status_change,
)


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


def _local_time(moment) -> str:
    """In the admin's zone (DJANGO_TIME_ZONE), with its abbreviation, so that nobody
    wonders which clock it is."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M %Z}"


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "short_id",
        "placed_at",
        "customer_name",
        "user",
        "phone",
        "status",
        "total_with_currency",
    )
    list_filter = ("status", "created_at")
    list_select_related = ("user",)
    search_fields = ("id", "customer_name", "phone", "user__username", "city", "street")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    inlines = (OrderItemInline, OrderStatusChangeInline)
    actions = ("advance_status", "cancel")
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
        "total_with_currency",
        "placed_at",
        "changed_at",
    )
    fieldsets = (
        (None, {"fields": ("id", "status", "total_with_currency", "placed_at", "changed_at")}),
        ("Customer", {"fields": ("user", "customer_name", "phone", "note")}),
        (
            "Delivery address",
            {"fields": ("street", "house_number", "apartment", "postal_code", "city", "country")},
        ),
    )

    @admin.display(description="order", ordering="id")
    def short_id(self, order: Order) -> str:
        return str(order.id)[:8]

    @admin.display(description="placed", ordering="created_at")
    def placed_at(self, order: Order) -> str:
        return _local_time(order.created_at)

    @admin.display(description="last changed")
    def changed_at(self, order: Order) -> str:
        return _local_time(order.updated_at)

    @admin.display(description="total", ordering="total")
    def total_with_currency(self, order: Order) -> str:
        return f"{order.total} {CURRENCY}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # No field is editable, so the page is a view (no Save button, and no POST
        # that saves a stale copy of the row over a concurrent status change).
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # An order is the kitchen's and the customer's record: it is cancelled, not deleted.
        return False

    def has_move_permission(self, request: HttpRequest) -> bool:
        """Moving orders along the flow is what Django's "change order" permission grants."""
        return super().has_change_permission(request)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Order], search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Phones are stored in E.164: a number read out locally ("06 30 123 4567") is
        # found once written the same way.
        try:
            phone = phone_number_to_e164(search_term, country=settings.PHONE_REGION)
        except ValidationError:
            return results, may_have_duplicates
        return results | queryset.filter(phone=phone), may_have_duplicates

    def get_urls(self):
        move = self.admin_site.admin_view(require_POST(self.move_view))
        return [
            path("<path:object_id>/move/", move, name="orders_order_move"),
            *super().get_urls(),
        ]

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        moves = []
        if order is not None and self.has_move_permission(request):
            if order.status in NEXT_STATUS:
                next_status = OrderStatus(NEXT_STATUS[order.status])
                moves.append((next_status.value, f"Move to {next_status.label.lower()}"))
            if OrderStatus.CANCELLED in STAFF_TRANSITIONS.get(order.status, set()):
                moves.append((OrderStatus.CANCELLED.value, "Cancel the order"))
        extra_context = {**(extra_context or {}), "status_moves": moves}
        return super().change_view(request, object_id, form_url, extra_context)

    def move_view(self, request: HttpRequest, object_id) -> HttpResponse:
        """The buttons of the order page: the status the page offered, or a clear refusal
        when the order moved on meanwhile (the service checks the flow)."""
        if not self.has_move_permission(request):
            raise PermissionDenied
        order = self.get_object(request, object_id)
        if order is None:
            raise Http404("No order with this id.")
        status = request.POST.get("status", "")
        self._move_each(
            request,
            [order.pk],
            lambda order_id: order_status_change(order_id=order_id, status=status, by=request.user),
            done=f"moved to {status}",
        )
        return redirect("admin:orders_order_change", order.pk)

    @admin.action(description="Move selected orders to the next status", permissions=["move"])
    def advance_status(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._move_each(
            request,
            queryset.values_list("id", flat=True),
            lambda order_id: order_status_advance(order_id=order_id, by=request.user),
            done="moved to their next status",
        )

    @admin.action(description="Cancel selected orders", permissions=["move"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._move_each(
            request,
            queryset.values_list("id", flat=True),
            lambda order_id: order_status_change(
                order_id=order_id, status=OrderStatus.CANCELLED, by=request.user
            ),
            done="cancelled",
        )

    def _move_each(self, request: HttpRequest, order_ids, move: Callable, *, done: str) -> None:
        """Each order through the service, on its own: one refused move stops no other."""
        moved = 0
        for order_id in order_ids:
            try:
                move(order_id)
            except ApplicationError as error:
                self.message_user(
                    request, f"Order {str(order_id)[:8]}: {error.detail}", messages.WARNING
                )
            else:
                moved += 1
        if moved:
            self.message_user(request, f"{moved} order(s) {done}.", messages.SUCCESS)


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
