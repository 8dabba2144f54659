from django.contrib import admin

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
