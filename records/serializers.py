"""The JSON of a medical record, and the bodies staff send to write one."""

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError

from config.api import serializers
from config.api.timestamps import api_timestamp
from records.models import Record
from records.services import record_check_date_of_treatment
from users.selectors import UNKNOWN_USERNAME, user_find_by_username


class RecordPatientSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()


class RecordSerializer(serializers.ModelSerializer):
    patient = RecordPatientSerializer(read_only=True)
    # Read from the patient's account: one date of birth per person, kept in one place.
    patient_date_of_birth = serializers.DateField(
        source="patient.date_of_birth", read_only=True, allow_null=True
    )

    class Meta:
        model = Record
        fields = (
            "id",
            "patient",
            "patient_date_of_birth",
            "diagnosis",
            "treatment",
            "date_of_treatment",
            "doctor",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


def record_data(record: Record) -> dict:
    """``RecordSerializer(record).data``, written out: the list's serializer machinery
    cost more than its query (records/tests/test_serializers.py holds them equal)."""
    patient = record.patient
    date_of_birth = patient.date_of_birth
    return {
        "id": str(record.id),
        "patient": {"username": patient.username, "name": patient.name},
        "patient_date_of_birth": None if date_of_birth is None else date_of_birth.isoformat(),
        "diagnosis": record.diagnosis,
        "treatment": record.treatment,
        "date_of_treatment": record.date_of_treatment.isoformat(),
        "doctor": record.doctor,
        "created_at": api_timestamp(record.created_at),
        "updated_at": api_timestamp(record.updated_at),
    }


class RecordCreateSerializer(serializers.Serializer):
    patient = serializers.CharField(help_text="The username of the patient's account.")
    diagnosis = serializers.CharField(required=False, allow_blank=True, default="")
    treatment = serializers.CharField(required=False, allow_blank=True, default="")
    date_of_treatment = serializers.DateField(help_text="After today (UTC).")
    doctor = serializers.CharField(max_length=Record._meta.get_field("doctor").max_length)

    def validate_patient(self, username: str):
        # Raised here, not by the selector: reported together with the other fields.
        patient = user_find_by_username(username=username)
        if patient is None:
            raise serializers.ValidationError(UNKNOWN_USERNAME)
        return patient

    def validate_date_of_treatment(self, date_of_treatment: date) -> date:
        # The service's rule, checked here too so that it is reported together with
        # the other invalid fields instead of after they are fixed.
        try:
            record_check_date_of_treatment(date_of_treatment=date_of_treatment)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["date_of_treatment"]) from None
        return date_of_treatment


class RecordListQuerySerializer(serializers.Serializer):
    """The query of the list: checked like a body, so that a value no database can
    store (a NUL character) is a 400, not a server error."""

    patient = serializers.CharField(required=False, allow_blank=True, default="")


class RecordUpdateSerializer(serializers.Serializer):
    """Any of the fields; the patient of a record cannot be changed."""

    diagnosis = serializers.CharField(required=False, allow_blank=True)
    treatment = serializers.CharField(required=False, allow_blank=True)
    date_of_treatment = serializers.DateField(required=False)
    doctor = serializers.CharField(
        required=False, max_length=Record._meta.get_field("doctor").max_length
    )

    def validate(self, attrs: dict) -> dict:
        if "patient" in self.initial_data:
            raise serializers.ValidationError(
                {"patient": ["The patient of a record cannot be changed."]}
            )
        return attrs
