"""Writes to medical records; each one leaves its entry in the audit log.

The audit entry is written in the same transaction as the change it describes:
there is never a change without its entry, nor an entry for a change that failed.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from config.api.errors import ApplicationError, NotFound, PermissionDenied
from records.models import Record, RecordAuditEntry
from users.models import User

# What staff may change on an existing record: the patient stays the same for the
# life of the record (a record filed under the wrong patient is deleted and re-created,
# both audited).
UPDATABLE_FIELDS = ("diagnosis", "treatment", "date_of_treatment", "doctor")
# Every column of an audit entry but its id, which the database assigns.
AUDIT_ENTRY_INSERTED_FIELDS = [
    field for field in RecordAuditEntry._meta.concrete_fields if not field.primary_key
]


def record_check_date_of_treatment(*, date_of_treatment: date) -> None:
    """A new record is for a treatment still to come: after today (UTC)."""
    if date_of_treatment <= timezone.now().date():
        raise ValidationError(
            {"date_of_treatment": ["The date of treatment of a new record must be in the future."]}
        )


def _require_staff(actor: User) -> None:
    # The views check first and answer 403 or 404; this guards every other caller.
    if not (actor.is_active and actor.is_staff):
        raise PermissionDenied("Only staff may do this to a medical record.")


def _audit_entry(
    *,
    record: Record,
    action: str,
    actor: User,
    request_id: str,
    changed_fields: list[str] | None = None,
) -> RecordAuditEntry:
    return RecordAuditEntry(
        record_id=record.id,
        action=action,
        actor=actor,
        actor_username=actor.username,
        patient_username=record.patient.username,
        changed_fields=changed_fields or [],
        request_id=request_id,
    )


def _lock(record: Record) -> Record:
    """The stored row, locked until the transaction ends (the patient's account is read,
    not locked); ``NotFound`` when someone deleted it meanwhile."""
    stored = (
        Record.objects.select_for_update(of=("self",))
        .select_related("patient")
        .filter(pk=record.pk)
        .first()
    )
    if stored is None:
        raise NotFound("No record with this id.")
    return stored


@transaction.atomic
def record_create(
    *,
    actor: User,
    patient: User,
    date_of_treatment: date,
    doctor: str,
    diagnosis: str = "",
    treatment: str = "",
    request_id: str = "",
) -> Record:
    _require_staff(actor)
    record_check_date_of_treatment(date_of_treatment=date_of_treatment)
    record = Record(
        patient=patient,
        diagnosis=diagnosis,
        treatment=treatment,
        date_of_treatment=date_of_treatment,
        doctor=doctor,
    )
    # Field rules only: the patient is already a loaded account, the id a fresh UUID,
    # and the database enforces the constraints itself.
    record.full_clean(exclude=["patient"], validate_unique=False, validate_constraints=False)
    record.save(force_insert=True)
    _audit_entry(
        record=record, action=RecordAuditEntry.Action.CREATE, actor=actor, request_id=request_id
    ).save()
    return record


@transaction.atomic
def record_update(*, record: Record, actor: User, changes: dict, request_id: str = "") -> Record:
    """Apply ``changes`` (a subset of ``UPDATABLE_FIELDS``) and audit the names of the
    fields whose value really changed. The row is locked and compared with what is
    stored, so two staff members editing at once each log exactly what they changed,
    and an update racing a delete is a 404, not an error."""
    _require_staff(actor)
    unknown = sorted(set(changes) - set(UPDATABLE_FIELDS))
    if unknown:
        raise ApplicationError.invalid(
            {field: ["This field cannot be changed."] for field in unknown}
        )
    stored = _lock(record)
    changed_fields = [
        field
        for field in UPDATABLE_FIELDS
        if field in changes and getattr(stored, field) != changes[field]
    ]
    for field in changed_fields:
        setattr(stored, field, changes[field])
    if changed_fields:
        stored.full_clean(exclude=["patient"], validate_unique=False, validate_constraints=False)
        stored.save(update_fields=[*changed_fields, "updated_at"])
    # An update that changed nothing is still logged: staff saw the record doing it.
    _audit_entry(
        record=stored,
        action=RecordAuditEntry.Action.UPDATE,
        actor=actor,
        request_id=request_id,
        changed_fields=changed_fields,
    ).save()
    return stored


@transaction.atomic
def record_delete(*, record: Record, actor: User, request_id: str = "") -> None:
    """Delete the record; of two deletes at once, one succeeds and is logged, the other
    is a 404."""
    _require_staff(actor)
    stored = _lock(record)
    _audit_entry(
        record=stored, action=RecordAuditEntry.Action.DELETE, actor=actor, request_id=request_id
    ).save()
    stored.delete()


def record_audit_reads(*, records: Iterable[Record], actor: User, request_id: str = "") -> None:
    """Log that ``actor`` was shown these records: one entry each, one INSERT in all.

    Callers write it before the response leaves, so a record is never shown to staff
    without its entry (if the log cannot be written, the request fails).

    The INSERT is sent on its own, not inside a transaction: one statement is atomic
    (every entry or none), and ``bulk_create``'s transaction around it cost two more
    round trips per staff read (BEGIN, COMMIT). ``_insert`` is what ``bulk_create``
    runs inside that transaction (and ``Model.save()`` for one row); with the actor's
    foreign key checked immediately (migration 0003), the INSERT is the read log's
    only statement."""
    _require_staff(actor)
    entries = [
        _audit_entry(
            record=record, action=RecordAuditEntry.Action.READ, actor=actor, request_id=request_id
        )
        for record in records
    ]
    if entries:
        RecordAuditEntry.objects._insert(entries, fields=AUDIT_ENTRY_INSERTED_FIELDS)
