from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from users.models import User
from users.services import BIRTHDAY_LIST_FIELDS, birthdays_today_invalidate


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "user_type",
        "date_of_birth",
        "is_staff",
        "date_joined",
    )
    list_filter = ("user_type", "is_staff", "is_superuser", "is_active", "date_joined")
    search_fields = ("username", "email", "first_name", "last_name")
    ordering = ("username",)
    date_hierarchy = "date_joined"
    readonly_fields = (
        "followers_count",
        "following_count",
        "posts_count",
        "last_login",
        "date_joined",
    )
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Profile", {"fields": ("first_name", "last_name", "email", "user_type", "date_of_birth")}),
        ("Counters", {"fields": ("followers_count", "following_count", "posts_count")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "user_type", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # The admin form saves the whole account itself: it tells the cached
        # birthdays of the day when something they show or filter on changed.
        if {"date_of_birth", *BIRTHDAY_LIST_FIELDS} & set(form.changed_data):
            birthdays_today_invalidate()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        birthdays_today_invalidate()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        birthdays_today_invalidate()
