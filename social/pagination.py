"""Keyset pagination on a whole ordering key, for feeds whose first key repeats a lot."""

import json
from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, _reverse_ordering

from config.api.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    """Cursor pagination whose cursor holds every ordering field, not only the first.

    DRF's cursor keeps the first ordering field plus an OFFSET among the rows that
    share its value: on ``-repost_count`` (mostly 0) that becomes a deep OFFSET. Here
    the position is the whole key, which ends with the primary key, so positions are
    unique, there is never an offset, and a page is one range scan of the matching index
    whatever its depth. The view gives the key as ``ordering``.
    """

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        return tuple(getattr(view, "ordering", None) or self.ordering)

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list:
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        reverse = bool(self.cursor and self.cursor.reverse)
        position = self.cursor.position if self.cursor else None

        queryset = queryset.order_by(
            *(_reverse_ordering(self.ordering) if reverse else self.ordering)
        )
        if position is not None:
            try:
                # Filtering parses the cursor's values: a forged cursor fails here.
                queryset = queryset.filter(self._beyond(position, reverse=reverse))
            except (DjangoValidationError, TypeError, ValueError):
                raise ValidationError({"cursor": [self.invalid_cursor_message]}) from None
        results = list(queryset[: self.page_size + 1])
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
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None:
            return cursor
        try:
            values = json.loads(cursor.position)
        except ValueError:
            values = None
        if not (
            isinstance(values, list)
            and len(values) == len(self.ordering)
            and all(isinstance(value, int | str) for value in values)
        ):
            raise ValidationError({"cursor": [self.invalid_cursor_message]})
        return Cursor(offset=0, reverse=cursor.reverse, position=values)

    def encode_cursor(self, cursor: Cursor) -> str:
        position = None if cursor.position is None else json.dumps(cursor.position)
        return super().encode_cursor(cursor._replace(position=position))

    def _position(self, instance) -> list:
        values = [getattr(instance, name.lstrip("-")) for name in self.ordering]
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
