"""A sidebar filter to type a value in, where a list of every value would not fit
(the patients of a clinic, the staff who touched a record, one record's id)."""

import uuid

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest


class TextInputFilter(admin.SimpleListFilter):
    """Rows whose ``lookup`` equals what was typed (case-insensitively for text)."""

    template = "admin/text_input_filter.html"
    lookup: str
    placeholder = ""

    def lookups(self, request: HttpRequest, model_admin) -> tuple:
        # No list of choices: the template shows a text box instead.
        return ()

    def has_output(self) -> bool:
        return True

    def choices(self, changelist):
        # One "choice" for the template: the box, with the other parameters of the
        # page kept as hidden fields so that typing here keeps the other filters.
        yield {
            "parameter_name": self.parameter_name,
            "value": self.value() or "",
            "placeholder": self.placeholder,
            "other_params": [
                (name, value)
                for name, value in changelist.params.items()
                if name != self.parameter_name
            ],
        }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = (self.value() or "").strip()
        if not value:
            return queryset
        return queryset.filter(**{f"{self.lookup}__iexact": value})


class UuidInputFilter(TextInputFilter):
    """Rows whose UUID ``lookup`` is the id typed; none for something that is not an id."""

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = (self.value() or "").strip()
        if not value:
            return queryset
        try:
            return queryset.filter(**{self.lookup: uuid.UUID(value)})
        except ValueError:
            return queryset.none()
