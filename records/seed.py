"""Demo medical records for the demo users, created by the staff account (audited)."""

import json
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from records.models import Record
from records.services import record_create
from users.selectors import user_get_by_username

DEMO_RECORDS_FIXTURE = Path(__file__).parent / "fixtures" / "demo_records.json"
# The staff account that the users app seeds.
STAFF_USERNAME = "admin"


@transaction.atomic
def seed_records(*, stdout) -> None:
    staff = user_get_by_username(username=STAFF_USERNAME)
    today = timezone.now().date()
    created = 0
    for entry in json.loads(DEMO_RECORDS_FIXTURE.read_text())["records"]:
        patient = user_get_by_username(username=entry["patient"])
        # Dates are relative to today, so a record is known by its other fields.
        known = Record.objects.filter(
            patient=patient, doctor=entry["doctor"], diagnosis=entry["diagnosis"]
        ).exists()
        if known:
            continue
        record_create(
            actor=staff,
            patient=patient,
            diagnosis=entry["diagnosis"],
            treatment=entry["treatment"],
            date_of_treatment=today + timedelta(days=entry["days_ahead"]),
            doctor=entry["doctor"],
        )
        created += 1
    stdout.write(f"medical records: {created} created (patients mate and sara)")
