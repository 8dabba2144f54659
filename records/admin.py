"""Admin for medical records and their audit log.

Every change made here goes through the same services as the API, so it is audited
the same way; so is every record shown to staff (the list page and the record page).
Staff may do here what the API lets them do; the audit log is read-only for everyone.
"""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

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


@admin.register(Record)
class RecordAdmin(StaffOnlyAdmin):
    form = RecordAdminForm
    list_display = ("id", "patient", "doctor", "date_of_treatment", "created_at", "updated_at")
    list_filter = ("doctor", "date_of_treatment", "created_at")
    search_fields = ("patient__username", "patient__first_name", "patient__last_name")
    list_select_related = ("patient",)
    date_hierarchy = "date_of_treatment"
    readonly_fields = ("id", "created_at", "updated_at")
    ordering = ("-created_at", "-id")

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

    def changelist_view(self, request: HttpRequest, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and request.method == "GET":
            record_audit_reads(
                records=changelist.result_list,
                actor=request.user,
                request_id=request_id_of(request),
            )
        return response

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
        "record_id",
        "changed_fields",
        "request_id",
    )
    list_filter = ("action", "created_at")
    search_fields = ("=record_id", "actor_username", "patient_username", "=request_id")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    actions = None
    # Every staff read adds entries: no COUNT(*) of the whole log on each page.
    show_full_result_count = False
