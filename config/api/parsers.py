"""The API's one request format: JSON that the database and the cache can store.

DRF's parser accepts two kinds of valid JSON that then fail deep inside a view with
a 500: a string holding an unpaired UTF-16 surrogate (``"\\ud800"``), which no UTF-8
column or cache key can take, and nesting thousands of levels deep, which exhausts
Python's recursion limit while decoding. Both are bad input: a 400 here.
"""

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# The deepest body of the API is an order's items' extras (4 levels); this leaves room.
MAX_DEPTH = 32
TOO_DEEP = f"JSON parse error - nested deeper than {MAX_DEPTH} levels."


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        _check_storable(data)
        return data


def _check_storable(data: Any) -> None:
    """Walk the parsed body without recursion: nesting depth and unpaired surrogates."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise ParseError(TOO_DEEP)
            parts = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((part, depth + 1) for part in parts)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ParseError(
                    "JSON parse error - a string holds an unpaired UTF-16 surrogate."
                ) from None
