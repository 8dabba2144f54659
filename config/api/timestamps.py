"""Timestamps in the API's JSON, for the read shapes written as plain functions."""

from datetime import UTC, datetime


def api_timestamp(value: datetime) -> str:
    """As DRF's DateTimeField writes it (``TIME_ZONE`` is UTC): ISO 8601 in UTC, with ``Z``."""
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
