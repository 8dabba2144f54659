"""Password reset codes: six digits mailed to the account, stored hashed."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(seconds=300)
MAX_WRONG_ATTEMPTS = 5


class PasswordResetCode(models.Model):
    """The one live reset code of an account: a new request replaces it.

    Only a hash is kept, so a copy of the database gives nobody a usable code. A
    code is dead once used, expired, or after ``MAX_WRONG_ATTEMPTS`` wrong tries.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="password_reset_code",
    )
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Wrong codes tried so far.")
    used_at = models.DateTimeField(null=True, blank=True)
    # Kept when a new code replaces this one: the daily cap spans every code of the day.
    wrong_tries_on = models.DateField(
        null=True, blank=True, help_text="The UTC day `wrong_tries_that_day` counts."
    )
    wrong_tries_that_day = models.PositiveIntegerField(
        default=0, help_text="Wrong codes tried that day, across all codes."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="password_reset_code_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(attempts__lte=MAX_WRONG_ATTEMPTS),
                name="password_reset_code_attempts_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"reset code of {self.user}"

    def is_usable(self, *, now) -> bool:
        return (
            self.used_at is None
            and self.expires_at > now
            and self.attempts < MAX_WRONG_ATTEMPTS
            and self.wrong_tries_today(now=now) < settings.PASSWORD_RESET_DAILY_WRONG_TRIES
        )

    def wrong_tries_today(self, *, now) -> int:
        return self.wrong_tries_that_day if self.wrong_tries_on == now.date() else 0

    def wrong_try_record(self, *, now) -> None:
        self.wrong_tries_that_day = self.wrong_tries_today(now=now) + 1
        self.wrong_tries_on = now.date()
        self.attempts += 1
        self.save(update_fields=["attempts", "wrong_tries_on", "wrong_tries_that_day"])
