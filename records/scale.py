"""The medical records of ``manage.py seed_scale``, each with its audited creation.

As ``record_create`` requires, a record was made before its date of treatment; the
audit log gets the creation of each, by the seeding itself rather than a staff member.
"""

import uuid
from datetime import timedelta

from config.scale_seed import ScaleSeed
from records.models import Record, RecordAuditEntry

WITHIN_DAYS = 365
ACTOR = "seed_scale"
CREATE = RecordAuditEntry.Action.CREATE.value
DOCTORS = ["Dr. Kiss", "Dr. Molnar", "Dr. Farkas", "Dr. Balogh", "Dr. Papp", "Dr. Lakatos"]
DIAGNOSES = ["Sprained ankle", "Seasonal flu", "Migraine", "Back pain", "Check-up", "Allergy"]
TREATMENTS = ["Rest and ice", "Fluids and rest", "Painkillers", "Physiotherapy", "None needed"]


def records_seed_scale(*, seed: ScaleSeed) -> None:
    people = [user for user in seed.shared["users"] if user.is_person]
    rng = seed.rng
    records, entries = [], []
    for _ in range(seed.records):
        record_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        patient = rng.choice(people)
        created_at = seed.now - timedelta(seconds=rng.randrange(WITHIN_DAYS * 86_400))
        treated_on = created_at.date() + timedelta(days=rng.randint(1, 60))
        records.append(
            (
                record_id, patient.id, rng.choice(DIAGNOSES), rng.choice(TREATMENTS),
                treated_on, rng.choice(DOCTORS), created_at, created_at,
            )
        )  # fmt: skip
        entries.append((record_id, CREATE, ACTOR, patient.username, "[]", "", created_at))
    fields = ["id", "patient_id", "diagnosis", "treatment", "date_of_treatment", "doctor"]
    seed.copy(Record, [*fields, "created_at", "updated_at"], records, label="records")
    entry_fields = [
        "record_id", "action", "actor_username", "patient_username", "changed_fields",
        "request_id", "created_at",
    ]  # fmt: skip
    seed.copy(RecordAuditEntry, entry_fields, entries, label="audit log", counted=False)
