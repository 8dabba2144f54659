"""Every pagination of the API: no OFFSET, no COUNT(*), cost independent of depth.

A view picks one with ``pagination_class`` and tunes it with two attributes of its
own: ``ordering`` (an immutable, indexed key ending with the primary key, e.g.
``("-created_at", "-id")``) and, when its pages are not 20 long, ``page_size``.
"""

import json
from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, _reverse_ordering

from config.api.errors import ApplicationError

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
PAGE_SIZE_QUERY_PARAMETER = "page_size"
INVALID_PAGE_SIZE = f"A whole number from 1 to {MAX_PAGE_SIZE}."


class PageSizeMixin:
    """``?page_size=``: absent, the view's default; otherwise a whole number from 1 to
    100, and anything else (``0``, ``-1``, ``101``, ``x``, empty) a 400 on
    ``page_size``: a client asking for 500 rows must not believe it got them all."""

    page_size = PAGE_SIZE
    page_size_query_param = PAGE_SIZE_QUERY_PARAMETER
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.default_page_size(getattr(self, "view", None))
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= self.max_page_size:
            raise ApplicationError.invalid({self.page_size_query_param: [INVALID_PAGE_SIZE]})
        return int(value)

    def default_page_size(self, view) -> int:
        return getattr(view, "page_size", None) or self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        self.view = view
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                self.document_page_size(parameter, view)
        return parameters

    def document_page_size(self, parameter: dict, view) -> None:
        parameter["schema"].update(minimum=1, maximum=self.max_page_size)


class CursorPagination(PageSizeMixin, pagination.CursorPagination):
    """Default pagination of every list: ``?page_size=`` (default 20, at most 100), in
    the view's ``ordering``."""

    ordering = ("-id",)
    invalid_cursor_message = "Invalid cursor."

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        return tuple(getattr(view, "ordering", None) or self.ordering)

    def document_page_size(self, parameter: dict, view) -> None:
        default = self.default_page_size(view)
        parameter["description"] = (
            f"Results per page: {default} by default, at most {self.max_page_size}."
        )
        parameter["schema"] = {
            "type": "integer",
            "default": default,
            "minimum": 1,
            "maximum": self.max_page_size,
        }

    def decode_cursor(self, request):
        # A cursor the client garbled is bad input (400), not a missing page (404).
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise self.invalid_cursor() from None

    def invalid_cursor(self) -> ApplicationError:
        return ApplicationError.invalid({"cursor": [self.invalid_cursor_message]})


class KeysetPagination(CursorPagination):
    """Cursor pagination whose cursor holds every ordering field, not only the first.

    DRF's cursor keeps the first ordering field plus an OFFSET among the rows that
    share its value: on ``-repost_count`` (mostly 0) that becomes a deep OFFSET. Here
    the position is the whole key, which ends with the primary key, so positions are
    unique, there is never an offset, and a page is one range scan of the matching index
    whatever its depth. The view gives the key as ``ordering``.
    """

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list:
        """One page. A queryset with a ``keyset_page`` method fetches the page itself,
        given the cursor's condition (the feed's, ``social.selectors.FeedQuerySet``,
        reads a page per followed account, and ranks trending as of a ``snapshot``
        that the cursor then carries)."""
        self.request = request
        self.view = view
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        reverse = bool(self.cursor and self.cursor.reverse)
        position = self.cursor.position if self.cursor else None

        queryset = queryset.order_by(
            *(_reverse_ordering(self.ordering) if reverse else self.ordering)
        )
        after = None if position is None else self._beyond(position, reverse=reverse)
        limit = self.page_size + 1
        try:
            # Filtering parses the cursor's values: a forged cursor fails here.
            if hasattr(queryset, "keyset_page"):
                results, self.snapshot = queryset.keyset_page(
                    after=after, position=position, limit=limit, snapshot=self.snapshot
                )
            else:
                results = list((queryset if after is None else queryset.filter(after))[:limit])
        except (DjangoValidationError, TypeError, ValueError):
            raise self.invalid_cursor() from None
        self.page = results[: self.page_size]
        has_more = len(results) > self.page_size
        if reverse:
            self.page.reverse()
        self.has_next = (position is not None) if reverse else has_more
        self.has_previous = has_more if reverse else (position is not None)
        self.next_position = self.previous_position = position
        return self.page

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        position = self._position(self.page[-1]) if self.page else self.next_position
        return self.encode_cursor(Cursor(offset=0, reverse=False, position=position))

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        position = self._position(self.page[0]) if self.page else self.previous_position
        return self.encode_cursor(Cursor(offset=0, reverse=True, position=position))

    def decode_cursor(self, request) -> Cursor | None:
        """The cursor's position; a walk ranked as of a moment also sets ``snapshot``."""
        cursor = super().decode_cursor(request)
        self.snapshot = None
        if cursor is None or cursor.position is None:
            return cursor
        try:
            values = json.loads(cursor.position)
            if isinstance(values, dict) and values.keys() == {"after", "as_of"}:
                self.snapshot = datetime.fromisoformat(values["as_of"])
                values = values["after"]
        except (TypeError, ValueError):
            values = None
        if not (
            isinstance(values, list)
            and len(values) == len(self.ordering)
            and all(isinstance(value, int | str) for value in values)
        ):
            raise self.invalid_cursor()
        return Cursor(offset=0, reverse=cursor.reverse, position=values)

    def encode_cursor(self, cursor: Cursor) -> str:
        position = cursor.position
        if position is not None and self.snapshot is not None:
            position = {"after": position, "as_of": self.snapshot.isoformat()}
        position = None if position is None else json.dumps(position)
        return super().encode_cursor(cursor._replace(position=position))

    def _position(self, instance) -> list:
        # A row of ``.values()`` (a list that skips the models), or a model instance; a
        # post ranked as of a snapshot carries the key it was ranked by.
        if isinstance(instance, dict):
            values = [instance[name.lstrip("-")] for name in self.ordering]
        else:
            values = getattr(instance, "keyset_values", None) or [
                getattr(instance, name.lstrip("-")) for name in self.ordering
            ]
        return [value.isoformat() if isinstance(value, datetime) else value for value in values]

    def _beyond(self, position: list, *, reverse: bool) -> Q:
        """Rows strictly after ``position`` in the ordering (before it when ``reverse``).

        Written as ``a <= x AND (a < x OR (b <= y AND (b < y OR c < z)))`` rather than
        the plain OR of cases, so that the leading ``a <= x`` is an index condition.
        """
        condition = None
        for name, value in reversed(list(zip(self.ordering, position, strict=True))):
            field = name.lstrip("-")
            before = name.startswith("-") != reverse
            strict = Q(**{f"{field}__{'lt' if before else 'gt'}": value})
            if condition is None:
                condition = strict
            else:
                loose = Q(**{f"{field}__{'lte' if before else 'gte'}": value})
                condition = loose & (strict | condition)
        return condition


class ListSlicePagination(PageSizeMixin, pagination.PageNumberPagination):
    """Pages of a small list computed whole (and cached whole): ``?page=`` slices it."""
