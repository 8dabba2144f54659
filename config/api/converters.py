"""Path converters of the API's lookups: a value outside one is no resource (the JSON
404 of an unknown path) and never reaches a database that could refuse it.

Routers use them by name (``SimpleRouter(use_regex_path=False)`` and a viewset's
``lookup_value_converter``); ``ProjectConfig.ready`` registers them.
"""

from django.urls import register_converter

# The largest bigint primary key: a bigger id in a body is a 400, as one in a path is a
# 404, never an overflowing query.
BIGINT_MAX = 2**63 - 1


class UsernameConverter:
    """Usernames are letters and digits: anything else (a NUL byte, which PostgreSQL
    refuses) is no user."""

    regex = "[A-Za-z0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class BigIntegerIdConverter:
    """An id of at most 18 digits, which always fits a bigint (19 digits may not)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class HexUUIDConverter:
    """A UUID in any case, with or without its hyphens, as a client may have stored it
    (Django's ``uuid`` takes only the lower-case, hyphenated form)."""

    regex = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


def register_path_converters() -> None:
    register_converter(UsernameConverter, "username")
    register_converter(BigIntegerIdConverter, "bigint_id")
    register_converter(HexUUIDConverter, "hex_uuid")
