"""One log line per request, the request id on every line logged while it runs, and
the two formats of ``LOG_FORMAT``: console (one escaped line per record) and JSON."""

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("request")

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_META_KEY = "HTTP_X_REQUEST_ID"
# An incoming id is kept (so a proxy's id follows the request) only when it is tame.
_ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_STANDARD_RECORD_FIELDS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_current_request_id: ContextVar[str] = ContextVar("request_id", default="")
# Control characters (a %0A decoded in a path, a header) written as escapes, so that
# no input can start a forged log line: C0, DEL, C1 and the Unicode line separators.
_ESCAPES = {
    code: repr(chr(code))[1:-1] for code in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)
}


def request_id_of(request: HttpRequest) -> str:
    """The id the middleware below gave ``request`` (or the DRF request wrapping it);
    empty for a request it did not see."""
    return getattr(request, "request_id", "")


class RequestLoggingMiddleware:
    """Gives every request an id (echoed as ``X-Request-ID``) and logs it once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # From META: request.headers would parse every header into a new mapping.
        incoming = request.META.get(_REQUEST_ID_META_KEY, "")
        request.request_id = (
            incoming if _ACCEPTABLE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        )
        token = _current_request_id.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            _current_request_id.reset(token)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response[REQUEST_ID_HEADER] = request.request_id
        # The arguments are only formatted when the line is written; the id is added
        # by the formatter, as on every other line of the request.
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "request_id": request.request_id,
            },
        )
        return response


class RequestIdFilter(logging.Filter):
    """Gives every record the id of the request running when it was logged ("" outside
    requests), so a warning deep in a request can be matched with its request line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current_request_id.get()
        return True


class ConsoleFormatter(logging.Formatter):
    """``time level logger message request_id=...`` on one line: control characters in
    the message are escaped. A traceback follows on its own lines, as usual."""

    _second: tuple[int, str] = (-1, "")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        # logging's own format, with strftime run once a second instead of once a line
        # (it is most of the cost of formatting a request line).
        second, text = self._second
        if int(record.created) != second:
            second = int(record.created)
            text = time.strftime("%Y-%m-%d %H:%M:%S", self.converter(record.created))
            self._second = (second, text)
        return f"{text},{int(record.msecs):03d}"

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if not message.isprintable():  # the common case costs one C-level scan
            message = message.translate(_ESCAPES)
        line = f"{self.formatTime(record)} {record.levelname} {record.name} {message}"
        request_id = getattr(record, "request_id", "")
        if request_id:
            line = f"{line} request_id={request_id}"
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line = f"{line}\n{record.exc_text}"
        if record.stack_info:
            line = f"{line}\n{self.formatStack(record.stack_info)}"
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the ``extra`` fields of the record."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            {
                key: value
                for key, value in vars(record).items()
                if key not in _STANDARD_RECORD_FIELDS
            }
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
