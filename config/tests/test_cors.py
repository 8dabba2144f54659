import pytest

FRONT_END = "https://app.example.com"


@pytest.fixture(autouse=True)
def _front_end_allowed(settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]


def preflight(api_client, path, origin=FRONT_END, headers="authorization, idempotency-key"):
    return api_client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS=headers,
    )


def test_a_preflight_from_an_allowed_origin_may_send_an_idempotency_key(api_client):
    response = preflight(api_client, "/api/orders/")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONT_END
    allowed = {header.strip() for header in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key"} <= allowed
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_to_hello_from_an_allowed_origin_is_answered(api_client):
    response = preflight(api_client, "/hello/alice")

    assert response["Access-Control-Allow-Origin"] == FRONT_END


def test_a_preflight_from_another_origin_gets_no_cors_headers(api_client):
    response = preflight(api_client, "/api/orders/", origin="https://evil.example.com")

    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Headers" not in response


def test_a_preflight_outside_the_api_gets_no_cors_headers(api_client):
    for path in ("/admin/login/", "/health/live", "/api-other/"):
        response = preflight(api_client, path)
        assert "Access-Control-Allow-Origin" not in response, path


def test_no_origin_is_allowed_unless_configured(api_client, settings):
    settings.CORS_ALLOWED_ORIGINS = []

    response = preflight(api_client, "/api/orders/")

    assert "Access-Control-Allow-Origin" not in response


def test_an_allowed_origin_can_read_the_request_id_and_retry_after(api_client, db):
    response = api_client.get("/health/live", HTTP_ORIGIN=FRONT_END)
    assert "Access-Control-Allow-Origin" not in response

    response = api_client.get("/api/pizzas/", HTTP_ORIGIN=FRONT_END)

    assert response["Access-Control-Allow-Origin"] == FRONT_END
    exposed = {header.strip() for header in response["Access-Control-Expose-Headers"].split(",")}
    assert exposed == {"Retry-After", "X-Request-ID"}
