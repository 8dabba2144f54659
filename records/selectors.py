"""Reads of medical records, already limited to what the reader may see.

Staff see every record; anyone else only the records of which they are the patient.
A record outside that set does not exist for the reader (404, never 403), so the
API does not tell who has records.
"""

import uuid

from django.db.models import QuerySet, Subquery

from config.api.errors import NotFound
from records.models import Record
from users.models import User


def record_list(*, reader: User, patient_username: str | None = None) -> QuerySet[Record]:
    records = Record.objects.select_related("patient")
    if not reader.is_staff:
        records = records.filter(patient=reader)
    if patient_username:
        # A scalar subquery, not a join: the planner then walks the (patient, created_at)
        # index of that one patient instead of the whole newest-first index, and the
        # account is found through the case-insensitive unique index on its username.
        patient = User.objects.with_username(patient_username)
        records = records.filter(patient=Subquery(patient.order_by().values("pk")[:1]))
    return records


def record_get(*, reader: User, record_id: uuid.UUID) -> Record:
    """The record if ``reader`` may see it; ``NotFound`` whether it is missing or not theirs."""
    record = record_list(reader=reader).filter(pk=record_id).first()
    if record is None:
        raise NotFound("No record with this id.")
    return record
