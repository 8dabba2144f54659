"""What the users endpoints show of an account, and the greeting's body."""

import re

from django.core.validators import MaxLengthValidator

from config.api import serializers
from config.api.query import ChoiceFilterField
from config.api.timestamps import api_timestamp
from users.birthdays import validate_date_of_birth
from users.models import User

LEGACY_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class UserListSerializer(serializers.ModelSerializer):
    """A row of the user list. ``email`` is there only on the caller's own row and
    for staff: emails are nobody else's business."""

    # Not read-only, so that the schema shows it as optional; nothing writes here.
    email = serializers.EmailField(
        required=False,
        allow_null=True,
        help_text="Only on your own row, and for staff; null for an account without one.",
    )

    class Meta:
        model = User
        fields = ["username", "name", "user_type", "date_joined", "email"]
        read_only_fields = ["username", "name", "user_type", "date_joined"]

    def to_representation(self, instance: User) -> dict:
        data = super().to_representation(instance)
        if not self._email_is_visible(instance):
            del data["email"]
        return data

    def _email_is_visible(self, user: User) -> bool:
        request = self.context.get("request")
        viewer = getattr(request, "user", None)
        if viewer is None or not viewer.is_authenticated:
            return False
        return viewer.is_staff or viewer.pk == user.pk


def user_list_row_data(row: dict, *, viewer) -> dict:
    """``UserListSerializer(user, context={"request": ...}).data`` for a row of
    ``users.selectors.user_list`` read by ``viewer``, without the serializer's cost."""
    data = {
        "username": row["username"],
        "name": f"{row['first_name']} {row['last_name']}".strip(),  # User.get_full_name
        "user_type": row["user_type"],
        "date_joined": api_timestamp(row["date_joined"]),
    }
    if viewer.is_authenticated and (viewer.is_staff or viewer.pk == row["id"]):
        data["email"] = row["email"]
    return data


SEARCH_MAX_LENGTH = 150


def validate_search_length(text: str) -> None:
    # Every word adds a condition: a bound keeps the query small (and within SQLite's
    # expression depth), and no name is longer than this.
    MaxLengthValidator(SEARCH_MAX_LENGTH)(text)


class UserListQuerySerializer(serializers.Serializer):
    """The query of the user list."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        validators=[validate_search_length],
        help_text=(
            f"Words (at most {SEARCH_MAX_LENGTH} characters in all), each a part of the "
            "username, first or last name, ignoring case."
        ),
    )
    user_type = ChoiceFilterField(choices=User.UserType.choices)


class BirthdayUserSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(help_text="First and last name.")
    user_type = serializers.ChoiceField(choices=User.UserType.choices)


class LegacyDateField(serializers.DateField):
    """Exactly ``YYYY-MM-DD``: strptime alone would also take "1990-5-1"."""

    def to_internal_value(self, value):
        if not isinstance(value, str) or not LEGACY_DATE.fullmatch(value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class GreetingUpdateSerializer(serializers.Serializer):
    # Spelled as the legacy contract spells it.
    dateOfBirth = LegacyDateField(
        input_formats=["%Y-%m-%d"],
        validators=[validate_date_of_birth],
        help_text="YYYY-MM-DD, before today (UTC).",
    )


class GreetingSerializer(serializers.Serializer):
    message = serializers.CharField()
