"""Query parameters: each list parses its query with a serializer (``?q=``, filters) and
hands the validated values to a selector, as bodies are parsed; the schema lists the
serializer's fields with ``@extend_schema(parameters=[TheQuerySerializer])``."""

from drf_spectacular.plumbing import build_choice_description_list
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from config.api import serializers

# Django's own words for a wrong choice, which the API has always answered.
INVALID_CHOICE = "Select a valid choice. {input} is not one of the available choices."


class ChoiceFilterField(serializers.ChoiceField):
    """An optional choice of a list's query: empty means "not filtered", and any other
    value must be one of the choices."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("error_messages", {"invalid_choice": INVALID_CHOICE})
        super().__init__(**kwargs)


def choice_filter_parameter(name: str, choices) -> OpenApiParameter:
    """The schema of a ``ChoiceFilterField``: its values, sorted, and no empty string
    among them (an empty value is the same as none)."""
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        enum=sorted(value for value, _ in choices),
        description=build_choice_description_list(choices),
    )
