"""Cursor (keyset) pagination: no OFFSET, no COUNT(*), cost independent of depth."""

from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Default pagination of every list: ``?page_size=`` (default 20, at most 100).

    Views order by an immutable, indexed key with the primary key as the
    tie-breaker, e.g. ``ordering = ("-created_at", "-id")``.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-id",)
