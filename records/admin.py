"""Admin for medical records and their audit log.

Every change made here goes through the same services as the API, so it is audited
the same way; so is every read of medical data: the record page, where the diagnosis
and treatment are shown. The list shows none (ids, patient, doctor, dates), so
browsing it is not a read of the records. Staff may do here what the API lets them
do; the audit log is read-only for everyone.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from config.admin_filters import TextInputFilter, UuidInputFilter
from config.read_only_admin import ReadOnlyModelAdmin
from config.request_logging import request_id_of
from records.models import Record, RecordAuditEntry
from records.services import (
    UPDATABLE_FIELDS,
    record_audit_reads,
    record_check_date_of_treatment,
    record_create,
    record_delete,
    record_update,
)
from users.selectors import UNKNOWN_USERNAME, user_find_by_username


def _is_staff(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_staff


class RecordAdminForm(forms.ModelForm):
    # A username, as in the API: staff need no permission on accounts to pick one.
    patient = forms.CharField(label="Patient (username)", max_length=150)

    class Meta:
        model = Record
        fields = ("patient", *UPDATABLE_FIELDS)

    def clean_patient(self):
        patient = user_find_by_username(username=self.cleaned_data["patient"])
        if patient is None:
            raise forms.ValidationError(UNKNOWN_USERNAME)
        return patient

    def clean(self) -> dict:
        cleaned_data = super().clean()
        date_of_treatment = cleaned_data.get("date_of_treatment")
        # The rule of the service, checked here too so the form shows it next to the field.
        if self.instance._state.adding and date_of_treatment is not None:
            record_check_date_of_treatment(date_of_treatment=date_of_treatment)
        return cleaned_data


class StaffOnlyAdmin(admin.ModelAdmin):
    """What staff may do here is what the API lets them do, permissions aside."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_staff(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return _is_staff(request)


class RecordPatientFilter(TextInputFilter):
    title = "patient"
    parameter_name = "patient"
    lookup = "patient__username"
    placeholder = "username"


class EntryPatientFilter(RecordPatientFilter):
    # The entry keeps the username itself: it outlives the account.
    lookup = "patient_username"


class EntryActorFilter(TextInputFilter):
    title = "actor"
    parameter_name = "actor"
    lookup = "actor_username"
    placeholder = "username"


class EntryRecordFilter(UuidInputFilter):
    title = "record"
    parameter_name = "record"
    lookup = "record_id"
    placeholder = "record id"


def short_uuid(value) -> str:
    """The first 8 characters of a UUID, as the orders list shows them."""
    return str(value)[:8]


@admin.register(Record)
class RecordAdmin(StaffOnlyAdmin):
    form = RecordAdminForm
    list_display = (
        "short_id",
        "patient",
        "doctor",
        "date_of_treatment",
        "created_at",
        "updated_at",
        "audit_trail",
    )
    list_filter = (RecordPatientFilter, "doctor", "date_of_treatment", "created_at")
    search_fields = ("patient__username", "patient__first_name", "patient__last_name")
    list_select_related = ("patient",)
    date_hierarchy = "date_of_treatment"
    readonly_fields = ("id", "created_at", "updated_at", "audit_trail")
    ordering = ("-created_at", "-id")

    @admin.display(description="record", ordering="id")
    def short_id(self, record: Record) -> str:
        return short_uuid(record.id)

    @admin.display(description="audit trail")
    def audit_trail(self, record: Record) -> str:
        if record.pk is None:
            return "-"
        url = reverse("admin:records_recordauditentry_changelist")
        return format_html(
            '<a href="{}?{}">Who did what, and when</a>', url, urlencode({"record": record.pk})
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_staff(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return _is_staff(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return _is_staff(request)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is not None:
            return (*self.readonly_fields, "patient")
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Record, form, change: bool) -> None:
        actor = request.user
        if change:
            changes = {field: form.cleaned_data[field] for field in UPDATABLE_FIELDS}
            record_update(
                record=obj, actor=actor, changes=changes, request_id=request_id_of(request)
            )
            return
        created = record_create(
            actor=actor,
            patient=obj.patient,
            diagnosis=obj.diagnosis,
            treatment=obj.treatment,
            date_of_treatment=obj.date_of_treatment,
            doctor=obj.doctor,
            request_id=request_id_of(request),
        )
        # The admin goes on with its own instance (history, redirect): make it the saved one.
        obj.pk = created.pk
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: Record) -> None:
        record_delete(record=obj, actor=request.user, request_id=request_id_of(request))

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for record in queryset.select_related("patient"):
            record_delete(record=record, actor=request.user, request_id=request_id_of(request))

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        record = getattr(response, "context_data", {}).get("original")
        if record is not None and request.method == "GET":
            record_audit_reads(
                records=[record], actor=request.user, request_id=request_id_of(request)
            )
        return response


@admin.register(RecordAuditEntry)
class RecordAuditEntryAdmin(StaffOnlyAdmin, ReadOnlyModelAdmin):
    list_display = (
        "created_at",
        "action",
        "actor_username",
        "patient_username",
        "short_record_id",
        "changed_fields",
        "request_id",
    )
    list_filter = ("action", EntryActorFilter, EntryPatientFilter, EntryRecordFilter, "created_at")
    search_fields = ("=record_id", "actor_username", "patient_username", "=request_id")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    actions = None
    # Every staff read adds entries: no COUNT(*) of the whole log on each page.
    show_full_result_count = False

    @admin.display(description="record", ordering="record_id")
    def short_record_id(self, entry: RecordAuditEntry) -> str:
        return short_uuid(entry.record_id)
