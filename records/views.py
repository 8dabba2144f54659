"""The records API: staff write, a patient reads their own, nobody else sees anything."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.cache_control import PrivateNoStoreMixin
from config.api.errors import PermissionDenied, error_response
from config.api.pagination import CursorPagination
from config.request_logging import request_id_of
from records.models import Record
from records.selectors import record_get, record_list
from records.serializers import (
    RecordCreateSerializer,
    RecordListQuerySerializer,
    RecordSerializer,
    RecordUpdateSerializer,
    record_data,
)
from records.services import record_audit_reads, record_create, record_delete, record_update

ACCESS_NOTE = " Responses carry `Cache-Control: private, no-store`."


NOT_FOUND = error_response("No such record, or not yours: the same answer, so nothing leaks.")
PATIENT_ONLY_READS = error_response("The record's own patient, who may read it but not change it.")


@extend_schema(tags=["records"])
@extend_schema_view(
    list=extend_schema(
        summary="List medical records",
        description=(
            "Staff see every record, others only their own (an empty list when they have "
            "none); `?patient=` narrows either. Newest first, cursor-paginated. Every "
            "record listed to staff is written to the audit log." + ACCESS_NOTE
        ),
        parameters=[
            OpenApiParameter(
                "patient",
                OpenApiTypes.STR,
                description="Only the records of the patient with this username (ignoring case).",
            ),
        ],
    ),
    retrieve=extend_schema(
        summary="Get a medical record",
        description=(
            "Staff, or the record's patient; anyone else gets 404. A read by staff is "
            "written to the audit log." + ACCESS_NOTE
        ),
        responses={
            200: RecordSerializer,
            404: NOT_FOUND,
        },
    ),
    create=extend_schema(
        summary="Create a medical record (staff)",
        description=(
            "`patient` is a username: an unknown one is a 400 on `patient`. "
            "`date_of_treatment` must be after today (UTC). Audited." + ACCESS_NOTE
        ),
        request=RecordCreateSerializer,
        responses={
            201: RecordSerializer,
            400: error_response("Invalid input (see `fields`)."),
            403: error_response("Not staff."),
        },
    ),
    partial_update=extend_schema(
        summary="Change a medical record (staff)",
        description=(
            "Any of `diagnosis`, `treatment`, `date_of_treatment`, `doctor`; the patient "
            "cannot be changed (400). The audit log names the changed fields, never their "
            "values. Staff only: the record's own patient gets 403, anyone else 404." + ACCESS_NOTE
        ),
        request=RecordUpdateSerializer,
        responses={
            200: RecordSerializer,
            400: error_response("Invalid input (see `fields`)."),
            403: PATIENT_ONLY_READS,
            404: NOT_FOUND,
        },
    ),
    destroy=extend_schema(
        summary="Delete a medical record (staff)",
        description=(
            "Audited; the audit log keeps the record's id. Staff only: the record's own "
            "patient gets 403, anyone else 404." + ACCESS_NOTE
        ),
        responses={
            204: None,
            403: PATIENT_ONLY_READS,
            404: NOT_FOUND,
        },
    ),
)
class RecordViewSet(PrivateNoStoreMixin, viewsets.GenericViewSet):
    """Health data: it must never sit in a proxy's or browser's shared cache."""

    serializer_class = RecordSerializer
    pagination_class = CursorPagination
    ordering = ("-created_at", "-id")
    lookup_field = "id"
    lookup_value_converter = "uuid"
    # No PUT: a record is changed field by field with PATCH.
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        # Only for the schema generator; every action reads through the selectors.
        return Record.objects.none()

    def _staff_record(self, request: Request, record_id) -> Record:
        """The record for a write: 404 when the caller cannot see it, 403 when they
        can (its patient) but are not staff."""
        record = record_get(reader=request.user, record_id=record_id)
        if not request.user.is_staff:
            raise PermissionDenied("Only staff may change or delete a medical record.")
        return record

    def list(self, request: Request) -> Response:
        query = RecordListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        records = record_list(reader=request.user, patient_username=query.validated_data["patient"])
        page = self.paginate_queryset(records)
        if request.user.is_staff:
            record_audit_reads(records=page, actor=request.user, request_id=request_id_of(request))
        return self.get_paginated_response([record_data(record) for record in page])

    def retrieve(self, request: Request, id) -> Response:
        record = record_get(reader=request.user, record_id=id)
        if request.user.is_staff:
            record_audit_reads(
                records=[record], actor=request.user, request_id=request_id_of(request)
            )
        return Response(RecordSerializer(record).data)

    def create(self, request: Request) -> Response:
        if not request.user.is_staff:
            raise PermissionDenied("Only staff may create a medical record.")
        serializer = RecordCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = record_create(
            actor=request.user, request_id=request_id_of(request), **serializer.validated_data
        )
        return Response(RecordSerializer(record).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, id) -> Response:
        record = self._staff_record(request, id)
        serializer = RecordUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = record_update(
            record=record,
            actor=request.user,
            changes=serializer.validated_data,
            request_id=request_id_of(request),
        )
        return Response(RecordSerializer(record).data)

    def destroy(self, request: Request, id) -> Response:
        record = self._staff_record(request, id)
        record_delete(record=record, actor=request.user, request_id=request_id_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
