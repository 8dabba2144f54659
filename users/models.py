"""The account of a person or a brand."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import ExtractDay, ExtractMonth, Lower

from users.birthdays import validate_date_of_birth

USERNAME_MAX_LENGTH = 14
COUNTER_FIELDS = ("followers_count", "following_count", "posts_count")
username_validator = RegexValidator(
    r"^[A-Za-z0-9]+\Z",
    "A username has only letters and digits.",
    code="invalid_username",
)


class UserQuerySet(models.QuerySet):
    # Lookups ignoring case go through LOWER(), the expression of the unique
    # indexes: `iexact` compiles to UPPER() on PostgreSQL and scans the table.
    def with_username(self, username: str) -> "UserQuerySet":
        return self.alias(username_lower=Lower("username")).filter(username_lower=username.lower())

    def with_email(self, email: str) -> "UserQuerySet":
        return self.alias(email_lower=Lower("email")).filter(email_lower=email.lower())


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username: str) -> "User":
        # Usernames are unique ignoring case, so logging in ignores case too.
        return self.with_username(username).get()

    def normalize_email(self, email: str | None) -> str | None:
        return super().normalize_email(email) or None


class User(AbstractUser):
    class UserType(models.TextChoices):
        PERSON = "person", "Person"
        BRAND = "brand", "Brand"

    username = models.CharField(
        max_length=USERNAME_MAX_LENGTH,
        unique=True,
        validators=[username_validator],
        help_text="Letters and digits, 1 to 14 characters, unique ignoring case.",
        error_messages={"unique": "A user with that username already exists."},
    )
    # NULL, not "", for "no email": the case-insensitive unique constraint then
    # holds between the accounts that have one.
    email = models.EmailField(blank=True, null=True)  # noqa: DJ001
    user_type = models.CharField(max_length=10, choices=UserType.choices, default=UserType.PERSON)
    date_of_birth = models.DateField(null=True, blank=True, validators=[validate_date_of_birth])

    # Counters shown on profiles, kept exact by the services with F() updates so
    # that no request counts rows.
    followers_count = models.PositiveIntegerField(default=0, editable=False)
    following_count = models.PositiveIntegerField(default=0, editable=False)
    posts_count = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    class Meta:
        ordering = ("username",)
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(user_type__in=["person", "brand"]),
                name="user_type_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["date_joined", "id"], name="user_joined_idx"),
            # The birthdays of the day are looked up by month and day of birth.
            models.Index(
                ExtractMonth("date_of_birth"),
                ExtractDay("date_of_birth"),
                name="user_birthday_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def save(self, *args, **kwargs) -> None:
        # The counters move only by F() updates in the services: saving a whole row
        # read earlier (a profile edit, the admin) must not write stale counts back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in COUNTER_FIELDS
            ]
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return self.get_full_name()
