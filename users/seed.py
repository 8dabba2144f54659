"""Demo accounts for a development database: a staff member and the four demo users."""

import json
import secrets
from datetime import date
from pathlib import Path

from django.db import transaction

from users.models import User

DEMO_USERS_FIXTURE = Path(__file__).parent / "fixtures" / "demo_users.json"
DEMO_PASSWORD = "demo-password-2021"
STAFF_USERNAME = "admin"


@transaction.atomic
def seed_users(*, stdout) -> None:
    staff, created = User.objects.get_or_create(
        username=STAFF_USERNAME,
        defaults={"email": "admin@example.com", "is_staff": True, "is_superuser": True},
    )
    if created:
        staff_password = secrets.token_urlsafe(12)
        staff.set_password(staff_password)
        staff.save(update_fields=["password"])
        stdout.write(f"staff account: {STAFF_USERNAME} / {staff_password} (admin at /admin/)")
    else:
        # A second run changes nothing, the password included.
        stdout.write(
            f"staff account: {STAFF_USERNAME} (password unchanged; set a new one with "
            f"`python manage.py changepassword {STAFF_USERNAME}`)"
        )

    for entry in json.loads(DEMO_USERS_FIXTURE.read_text())["users"]:
        user, created = User.objects.get_or_create(
            username=entry["username"],
            defaults={
                "email": entry["email"],
                "first_name": entry["first_name"],
                "last_name": entry["last_name"],
                "date_of_birth": date.fromisoformat(entry["date_of_birth"]),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    stdout.write(f"demo users: mate, sara, andras, lone (password {DEMO_PASSWORD})")
