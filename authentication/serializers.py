"""Request and response bodies of the authentication endpoints."""

from config.api import serializers
from users.models import USERNAME_MAX_LENGTH, User, username_validator

_PASSWORD = {"write_only": True, "trim_whitespace": False, "style": {"input_type": "password"}}


class AccountSerializer(serializers.ModelSerializer):
    """The caller's own account, email included."""

    class Meta:
        model = User
        fields = [
            "username",
            "email",
            "first_name",
            "last_name",
            "name",
            "user_type",
            "date_of_birth",
            "date_joined",
        ]
        read_only_fields = fields


class AccountUpdateSerializer(serializers.Serializer):
    """What ``PATCH /api/auth/me`` may change; every other field is ignored."""

    first_name = serializers.CharField(max_length=150, allow_blank=True, required=False)
    last_name = serializers.CharField(max_length=150, allow_blank=True, required=False)
    email = serializers.EmailField(max_length=254, required=False)
    user_type = serializers.ChoiceField(choices=User.UserType.choices, required=False)
    date_of_birth = serializers.DateField(
        allow_null=True,
        required=False,
        help_text="Before today (UTC); null to remove it.",
    )
    current_password = serializers.CharField(
        **_PASSWORD,
        required=False,
        help_text=(
            "Needed to change `email` (400 without it, 403 if wrong); the change logs out "
            "every session (refresh tokens) and is told to the old address."
        ),
    )


class SignupSerializer(serializers.Serializer):
    username = serializers.CharField(
        max_length=USERNAME_MAX_LENGTH,
        validators=[username_validator],
        help_text="Letters and digits, 1 to 14 characters, unique ignoring case.",
    )
    email = serializers.EmailField(max_length=254, help_text="Unique ignoring case.")
    password = serializers.CharField(**_PASSWORD)
    first_name = serializers.CharField(max_length=150, allow_blank=True, required=False)
    last_name = serializers.CharField(max_length=150, allow_blank=True, required=False)
    user_type = serializers.ChoiceField(choices=User.UserType.choices, default=User.UserType.PERSON)


class LoginSerializer(serializers.Serializer):
    login = serializers.CharField(max_length=254, help_text="Username or email.")
    password = serializers.CharField(**_PASSWORD)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="JWT for `Authorization: Bearer ...`.")
    refresh = serializers.CharField(help_text="Single use: trade it at /api/auth/refresh.")


class SessionSerializer(TokenPairSerializer):
    user = AccountSerializer()


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class PasswordForgotSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    code = serializers.RegexField(
        # [0-9], not \d: other scripts' digits are not a code.
        r"^[0-9]{6}\Z",
        error_messages={"invalid": "The code has six digits."},
        help_text="The six digits mailed by /api/auth/password/forgot.",
    )
    password = serializers.CharField(**_PASSWORD)
