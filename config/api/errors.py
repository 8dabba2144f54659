"""One error shape for the whole API.

Every error, whether raised by a service, by DRF or by Django itself, answers JSON::

    {"status": 400, "code": "invalid", "detail": "Invalid input.",
     "fields": {"items.0.quantity": ["Ensure this value is less than or equal to 20."]}}

``fields`` maps a dotted path into the request body to its messages; it is empty
when the error is not about particular fields.
"""

import logging
import sys
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.database_router import note_database_unavailable

# The detail of a 400 about request fields, as DRF's own validation errors word it.
INVALID_INPUT = "Invalid input."
# The schema component of the error body, which ``add_error_responses`` defines.
ERROR_SCHEMA_REF = {"$ref": "#/components/schemas/Error"}
# What a 401 answers in WWW-Authenticate, as the JWT authentication itself does.
BEARER_CHALLENGE = 'Bearer realm="api"'
# A database that cannot be reached (stopped, restarting, failing over) or gave up on
# a query: the request may well succeed if sent again, so it is a 503, not a 500.
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
# The Retry-After of that 503: about how long a primary takes to restart.
DATABASE_RETRY_AFTER_SECONDS = 5

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A rule of the product was broken; services raise it, the API renders it."""

    status_code = 400
    code = "invalid"

    def __init__(
        self,
        detail: str,
        *,
        fields: dict[str, list[str]] | None = None,
        code: str | None = None,
        retry_after: int | None = None,
    ):
        super().__init__(detail)
        self.detail = detail
        self.fields = fields or {}
        self.code = code or self.code
        self.retry_after = retry_after

    @classmethod
    def invalid(cls, fields: dict[str, list[str]]) -> "ApplicationError":
        """A 400 about these request fields, shaped like a serializer's validation error."""
        return cls(INVALID_INPUT, fields=fields)


class NotAuthenticated(ApplicationError):
    """401: the caller must log in (the response names the Bearer scheme)."""

    status_code = 401
    code = "not_authenticated"


class PermissionDenied(ApplicationError):
    """403: the caller is known but may not do this."""

    status_code = 403
    code = "permission_denied"


class NotFound(ApplicationError):
    status_code = 404
    code = "not_found"


class Conflict(ApplicationError):
    status_code = 409
    code = "conflict"


class LimitReached(ApplicationError):
    """A quota was used up; ``retry_after`` says in how many seconds it resets."""

    status_code = 429
    code = "limit_reached"


class LimitUnavailable(ApplicationError):
    """503: a limit that must hold cannot be counted (its store is away)."""

    status_code = 503
    code = "unavailable"


class DatabaseUnavailable(ApplicationError):
    """503: the request needs a database that cannot be reached right now."""

    status_code = 503
    code = "database_unavailable"

    def __init__(self) -> None:
        super().__init__(
            "The service is briefly unavailable. Try again shortly.",
            retry_after=DATABASE_RETRY_AFTER_SECONDS,
        )


def _database_unavailable(exc: Exception) -> DatabaseUnavailable:
    # The reason stays in the log: the client learns nothing about the servers.
    logger.warning("database unavailable: %s: %s", type(exc).__name__, exc)
    note_database_unavailable()
    return DatabaseUnavailable()


def error_body(status: int, code: str, detail: str, fields=None) -> dict[str, Any]:
    return {"status": status, "code": code, "detail": detail, "fields": fields or {}}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested validation errors into ``{"a.0.b": ["message"]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            if key == "non_field_errors" and prefix:
                # About the nested object or list as a whole ("expected a list"):
                # reported under its own path.
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, path))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, value in enumerate(detail):
            if value:
                flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(message) for message in messages]}


def _validation_response(detail: Any) -> Response:
    fields = _flatten(detail)
    general = fields.pop("non_field_errors", None)
    message = " ".join(general) if general else INVALID_INPUT
    return Response(error_body(400, "invalid", message, fields), status=400)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's ``EXCEPTION_HANDLER``: every error to the one shape."""
    if isinstance(exc, DATABASE_UNAVAILABLE_ERRORS):
        exc = _database_unavailable(exc)
    if isinstance(exc, ApplicationError):
        response = Response(
            error_body(exc.status_code, exc.code, exc.detail, exc.fields),
            status=exc.status_code,
        )
        if exc.retry_after is not None:
            response["Retry-After"] = str(exc.retry_after)
        if exc.status_code == 401:
            response["WWW-Authenticate"] = BEARER_CHALLENGE
        return response
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return _validation_response(detail)
    if isinstance(exc, exceptions.ValidationError):
        return _validation_response(exc.detail)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's handler500 answers, in JSON too
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    if isinstance(exc, Http404):
        code = "not_found"
    elif isinstance(exc, DjangoPermissionDenied):
        code = "permission_denied"
    else:
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    response.data = error_body(response.status_code, code, str(detail))
    return response


def _json_error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(error_body(status, code, detail), status=status)


def bad_request(request: HttpRequest, exception=None) -> JsonResponse:
    return _json_error(400, "bad_request", "Bad request.")


def permission_denied(request: HttpRequest, exception=None) -> JsonResponse:
    return _json_error(403, "permission_denied", "You do not have permission to do this.")


def page_not_found(request: HttpRequest, exception=None) -> JsonResponse:
    return _json_error(404, "not_found", "Not found.")


def server_error(request: HttpRequest) -> JsonResponse:
    # Django calls this inside its ``except`` block: the exception is at hand. Outside
    # DRF views (admin, health, middleware) a database outage is a 503 as well.
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_UNAVAILABLE_ERRORS):
        unavailable = _database_unavailable(exc)
        response = _json_error(unavailable.status_code, unavailable.code, unavailable.detail)
        response["Retry-After"] = str(unavailable.retry_after)
        return response
    return _json_error(500, "server_error", "Internal server error.")


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return _json_error(403, "csrf_failed", f"CSRF verification failed: {reason}")


# What most operations may answer, with the codes the API really sends: the examples
# of every operation's ``default`` response (operations document their own errors too).
COMMON_ERRORS = [
    error_body(400, "invalid", INVALID_INPUT, {"email": ["This field is required."]}),
    error_body(401, "not_authenticated", "Authentication credentials were not provided."),
    error_body(403, "permission_denied", "You do not have permission to perform this action."),
    error_body(404, "not_found", "Not found."),
    error_body(429, "throttled", "Request was throttled. Expected available in 42 seconds."),
]


def error_response(description: str, *examples: dict[str, Any]) -> OpenApiResponse:
    """An error status of ``@extend_schema(responses=...)``: the ``Error`` body, described,
    with ``examples`` (bodies from ``error_body``) shown under their codes."""
    return OpenApiResponse(
        response=ERROR_SCHEMA_REF,
        description=description,
        examples=[
            OpenApiExample(example["code"], value=example, response_only=True)
            for example in examples
        ],
    )


def add_error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular post-processing hook: every operation may answer an ``Error``."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Error",
        {
            "type": "object",
            "description": "The body of every error response.",
            "properties": {
                "status": {"type": "integer", "example": 400},
                "code": {"type": "string", "example": "invalid"},
                "detail": {"type": "string", "example": "Invalid input."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    "example": {"email": ["This field is required."]},
                },
            },
            "required": ["status", "code", "detail", "fields"],
        },
    )
    error = {
        "description": "Error (see the status code)",
        "content": {
            "application/json": {
                "schema": ERROR_SCHEMA_REF,
                "examples": {
                    example["code"]: {
                        "summary": f"{example['status']} {example['code']}",
                        "value": example,
                    }
                    for example in COMMON_ERRORS
                },
            }
        },
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("default", error)
    return result
