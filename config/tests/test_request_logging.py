import json
import logging

from config.request_logging import JsonFormatter


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
