"""Medical records of patients, and the append-only log of everything done to them."""

import uuid

from django.conf import settings
from django.db import models


class Record(models.Model):
    """One treatment of a patient: what was found, what was done, by which doctor."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # PROTECT: an account with health records cannot vanish with them silently;
    # staff delete the records first, and each deletion is audited.
    # No index of its own: the (patient, -created_at, -id) index below starts with it.
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="medical_records",
        db_index=False,
    )
    diagnosis = models.TextField(blank=True)
    treatment = models.TextField(blank=True)
    date_of_treatment = models.DateField()
    doctor = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(condition=~models.Q(doctor=""), name="record_doctor_not_empty"),
        ]
        indexes = [
            # The staff list, newest first.
            models.Index(fields=["-created_at", "-id"], name="record_created_idx"),
            # A patient's own list, and the staff list filtered by patient.
            models.Index(
                fields=["patient", "-created_at", "-id"], name="record_patient_created_idx"
            ),
            # The admin's filters and date hierarchy.
            models.Index(fields=["date_of_treatment"], name="record_treatment_date_idx"),
            models.Index(fields=["doctor"], name="record_doctor_idx"),
        ]

    def __str__(self) -> str:
        # Shown in the admin and in logs: never a medical value.
        # The short id, as the admin lists show it.
        return f"Record {str(self.id)[:8]}"


class AuditEntryIsAppendOnly(Exception):
    """An attempt to change or delete an audit entry."""


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes of audit entries are refused, like single ones."""

    def update(self, **kwargs):
        raise AuditEntryIsAppendOnly("Audit entries are append-only: they cannot be updated.")

    def delete(self):
        raise AuditEntryIsAppendOnly("Audit entries are append-only: they cannot be deleted.")


class RecordAuditEntry(models.Model):
    """Who did what to which record, and when. Written by the services, never changed.

    It keeps the record's id and the usernames as plain values, so the entry outlives
    the record and the accounts. It names the fields an update changed, never their
    values: the log must not become a second copy of the medical data.
    """

    class Action(models.TextChoices):
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        DELETE = "delete", "Delete"
        READ = "read", "Read"

    record_id = models.UUIDField()
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150)
    patient_username = models.CharField(max_length=150)
    changed_fields = models.JSONField(default=list, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "record audit entry"
        verbose_name_plural = "record audit entries"
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=["create", "update", "delete", "read"]),
                name="record_audit_action_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="record_audit_created_idx"),
            models.Index(fields=["record_id", "-created_at"], name="record_audit_record_idx"),
        ]

    def __str__(self) -> str:
        done = {"create": "created", "update": "updated", "delete": "deleted"}
        return (
            f"{self.actor_username} {done.get(self.action, self.action)} record "
            f"{str(self.record_id)[:8]} of {self.patient_username}"
        )

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditEntryIsAppendOnly("Audit entries are append-only: they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryIsAppendOnly("Audit entries are append-only: they cannot be deleted.")
