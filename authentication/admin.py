from django.contrib import admin
from rest_framework_simplejwt.token_blacklist.admin import (
    BlacklistedTokenAdmin,
    OutstandingTokenAdmin,
)
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from authentication.models import PasswordResetCode


@admin.register(PasswordResetCode)
class PasswordResetCodeAdmin(admin.ModelAdmin):
    """Read-only, and never the hash: codes are made by the forgot endpoint; staff
    may look at attempts and expiry, or delete a code to cancel it."""

    list_display = (
        "user",
        "created_at",
        "expires_at",
        "attempts",
        "wrong_tries_that_day",
        "used_at",
    )
    list_filter = ("created_at", "used_at")
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    fields = (
        "user",
        "created_at",
        "expires_at",
        "attempts",
        "used_at",
        "wrong_tries_on",
        "wrong_tries_that_day",
    )
    readonly_fields = fields
    ordering = ("-created_at",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class SuperusersOnlyMixin:
    """Live refresh tokens are sessions to steal: superusers only, whatever the
    permissions a staff member was given."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request) and super().has_delete_permission(request, obj)


admin.site.unregister(OutstandingToken)
admin.site.unregister(BlacklistedToken)


@admin.register(OutstandingToken)
class SuperusersOutstandingTokenAdmin(SuperusersOnlyMixin, OutstandingTokenAdmin):
    def has_change_permission(self, request, obj=None) -> bool:
        # simplejwt's own admin allows "change" on GETs, which shows a Save button on a
        # page where every field is read-only; its POST is refused anyway.
        return False


@admin.register(BlacklistedToken)
class SuperusersBlacklistedTokenAdmin(SuperusersOnlyMixin, BlacklistedTokenAdmin):
    pass
