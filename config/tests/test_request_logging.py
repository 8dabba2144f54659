import io
import json
import logging
import sys

import pytest
from django.test import Client

from config.request_logging import ConsoleFormatter, JsonFormatter, RequestIdFilter


def test_every_response_carries_a_request_id(api_client):
    response = api_client.get("/health/live")
    assert len(response["X-Request-ID"]) == 32


def test_a_tame_incoming_request_id_is_kept(api_client):
    response = api_client.get("/health/live", HTTP_X_REQUEST_ID="edge-1234")
    assert response["X-Request-ID"] == "edge-1234"


def test_a_hostile_incoming_request_id_is_replaced(api_client):
    response = api_client.get("/health/live", HTTP_X_REQUEST_ID="x\ninjected log line")
    assert response["X-Request-ID"] != "x\ninjected log line"


def test_an_incoming_request_id_ending_in_a_newline_is_replaced(api_client):
    response = api_client.get("/health/live", HTTP_X_REQUEST_ID="edge-1234\n")

    assert response.status_code == 200
    assert len(response["X-Request-ID"]) == 32


def test_each_request_is_logged_once_with_method_path_status_duration_and_id(api_client, caplog):
    with caplog.at_level(logging.INFO, logger="request"):
        response = api_client.get("/health/live")
    [record] = [record for record in caplog.records if record.name == "request"]
    assert (record.method, record.path, record.status) == ("GET", "/health/live", 200)
    assert record.request_id == response["X-Request-ID"]
    assert record.duration_ms >= 0


def test_the_json_format_is_one_object_per_line_with_the_request_fields():
    record = logging.makeLogRecord(
        {"name": "request", "levelname": "INFO", "msg": "GET / 200", "status": 200}
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "GET / 200"
    assert entry["status"] == 200
    assert entry["level"] == "INFO"


@pytest.fixture
def log_output():
    """``log_output(formatter)``: what the root logger writes through the settings'
    request-id filter and that formatter, as a string buffer."""
    root = logging.getLogger()
    handlers = []

    def attach(formatter: logging.Formatter) -> io.StringIO:
        buffer = io.StringIO()
        handler = logging.StreamHandler(buffer)
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(formatter)
        root.addHandler(handler)
        handlers.append(handler)
        return buffer

    level = root.level
    root.setLevel(logging.INFO)
    yield attach
    root.setLevel(level)
    for handler in handlers:
        root.removeHandler(handler)


@pytest.mark.urls("config.tests.urls")
@pytest.mark.parametrize("formatter", [ConsoleFormatter, JsonFormatter])
def test_a_line_logged_inside_a_request_carries_its_id(log_output, formatter):
    output = log_output(formatter())

    response = Client(raise_request_exception=False).get("/boom/")

    [error] = [line for line in output.getvalue().splitlines() if "Internal Server Error" in line]
    if formatter is JsonFormatter:
        assert json.loads(error)["request_id"] == response["X-Request-ID"]
    else:
        assert error.endswith(f"request_id={response['X-Request-ID']}")


def test_a_line_logged_outside_a_request_has_no_id(log_output):
    output = log_output(ConsoleFormatter())

    logging.getLogger("config.tests").warning("from a command")

    assert output.getvalue().rstrip().endswith("WARNING config.tests from a command")


def test_the_console_format_escapes_a_newline_decoded_from_the_path(api_client, db, log_output):
    output = log_output(ConsoleFormatter())

    response = api_client.get("/hello/alice%0A2026-12-02 12:00:00,000 INFO request forged")

    [line] = output.getvalue().splitlines()
    assert "/hello/alice\\n2026-12-02 12:00:00,000 INFO request forged 404" in line
    assert line.endswith(f"request_id={response['X-Request-ID']}")


def test_the_console_format_escapes_every_control_character():
    record = logging.makeLogRecord(
        {
            "name": "request",
            "levelname": "INFO",
            "msg": "a\r\x1b[31mb\x85c\u2028d\te %s",
            "args": ("\n",),
        }
    )

    line = ConsoleFormatter().format(record)

    assert line.endswith("INFO request a\\r\\x1b[31mb\\x85c\\u2028d\\te \\n")


def test_the_console_format_keeps_a_traceback_below_its_line():
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        record = logging.makeLogRecord(
            {"name": "x", "levelname": "ERROR", "msg": "failed", "exc_info": sys.exc_info()}
        )

    first, *traceback = ConsoleFormatter().format(record).splitlines()

    assert first.endswith("ERROR x failed")
    assert traceback[0] == "Traceback (most recent call last):"


def test_the_console_format_writes_each_record_s_own_time():
    formatter = ConsoleFormatter()
    first = logging.makeLogRecord({"msg": "a", "created": 1_700_000_000.25, "msecs": 250.0})
    second = logging.makeLogRecord({"msg": "b", "created": 1_700_000_001.5, "msecs": 500.0})

    assert formatter.formatTime(first) == logging.Formatter().formatTime(first)
    assert formatter.formatTime(second) == logging.Formatter().formatTime(second)
