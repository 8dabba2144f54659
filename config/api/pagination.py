"""Cursor (keyset) pagination: no OFFSET, no COUNT(*), cost independent of depth."""

from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


class CursorPagination(pagination.CursorPagination):
    """Default pagination of every list: ``?page_size=`` (default 20, at most 100).

    Views order by an immutable, indexed key with the primary key as the
    tie-breaker, e.g. ``ordering = ("-created_at", "-id")``.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-id",)
    invalid_cursor_message = "Invalid cursor."

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Results per page: {self.page_size} by default, at most {self.max_page_size}."
                )
                parameter["schema"] = {
                    "type": "integer",
                    "default": self.page_size,
                    "maximum": self.max_page_size,
                }
        return parameters

    def decode_cursor(self, request):
        # A cursor the client garbled is bad input (400), not a missing page (404).
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": [self.invalid_cursor_message]}) from None
