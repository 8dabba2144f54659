"""Request fields take the JSON type the schema documents, and no other.

DRF reads fields as leniently as an HTML form: the number 0 becomes the string "0",
the string "5" becomes the integer 5. For a JSON-only API that makes the schema lie
(a request it calls invalid succeeds, so a client's typo goes unnoticed), which
schemathesis reports as "schema-violating request accepted". A value of another JSON
type is a 400 with DRF's own message for the field.
"""

from collections.abc import Callable
from typing import Any

from rest_framework import fields


def _accept_only(field_class: type[fields.Field], accepts: Callable[[Any], bool]) -> None:
    lenient = field_class.to_internal_value

    def to_internal_value(self, data):
        if not accepts(data):
            self.fail("invalid")
        return lenient(self, data)

    field_class.to_internal_value = to_internal_value


def make_request_fields_strict() -> None:
    """Called once at start-up (config.apps); subclasses (email, regex, slug) inherit it.
    Query parameters are strings already, so the serializers that check them are unaffected."""
    _accept_only(fields.CharField, lambda data: isinstance(data, str))
    _accept_only(
        fields.IntegerField, lambda data: isinstance(data, int) and not isinstance(data, bool)
    )
