import pytest
from django.test import Client
from rest_framework.exceptions import ValidationError

from config.api.errors import (
    Conflict,
    LimitReached,
    NotAuthenticated,
    PermissionDenied,
    exception_handler,
)


def test_an_unknown_api_path_is_a_json_404(api_client):
    response = api_client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "not_found",
        "detail": "Not found.",
        "fields": {},
    }


def test_a_wrong_method_is_a_json_405(api_client):
    response = api_client.delete("/health/live")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.urls("config.tests.urls")
def test_an_unexpected_failure_is_a_json_500():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "server_error"


@pytest.mark.urls("config.tests.urls")
@pytest.mark.parametrize("path", ["/database-gone/", "/api-database-gone/"])
def test_a_database_that_cannot_be_reached_is_a_json_503_with_retry_after(path):
    client = Client(raise_request_exception=False)
    response = client.get(path)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "status": 503,
        "code": "database_unavailable",
        "detail": "The service is briefly unavailable. Try again shortly.",
        "fields": {},
    }


def test_nested_validation_errors_are_flattened_to_dotted_paths():
    error = ValidationError(
        {
            "items": [{}, {"quantity": ["Too many."]}],
            "delivery_address": {"city": ["This field is required."]},
            "non_field_errors": ["The order is empty."],
        }
    )
    response = exception_handler(error, {})
    assert response.status_code == 400
    assert response.data == {
        "status": 400,
        "code": "invalid",
        "detail": "The order is empty.",
        "fields": {
            "items.1.quantity": ["Too many."],
            "delivery_address.city": ["This field is required."],
        },
    }


def test_an_error_about_a_nested_object_as_a_whole_is_under_its_own_path():
    error = ValidationError(
        {
            "items": {"non_field_errors": ["Expected a list of items."]},
            "delivery_address": {"non_field_errors": ["Expected a dictionary."]},
        }
    )
    response = exception_handler(error, {})
    assert response.data["fields"] == {
        "items": ["Expected a list of items."],
        "delivery_address": ["Expected a dictionary."],
    }


def test_a_conflict_is_a_409_with_its_own_code():
    response = exception_handler(Conflict("Already reposted."), {})
    assert response.status_code == 409
    assert response.data["code"] == "conflict"
    assert response.data["detail"] == "Already reposted."


def test_a_reached_limit_says_when_to_retry():
    response = exception_handler(LimitReached("5 posts a day.", retry_after=120), {})
    assert response.status_code == 429
    assert response["Retry-After"] == "120"


def test_a_missing_login_is_a_401_that_names_the_bearer_scheme():
    response = exception_handler(NotAuthenticated("Log in to see the following feed."), {})
    assert response.status_code == 401
    assert response.data["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_refused_action_is_a_403_without_a_challenge():
    response = exception_handler(PermissionDenied("Only staff may do this."), {})
    assert response.status_code == 403
    assert response.data["code"] == "permission_denied"
    assert not response.has_header("WWW-Authenticate")


def test_a_request_for_an_unknown_host_is_a_json_400(api_client):
    response = api_client.get("/health/live", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


@pytest.mark.django_db
def test_a_garbled_cursor_is_a_400_on_the_cursor(api_client):
    response = api_client.get("/api/pizzas/", {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert response.json()["fields"] == {"cursor": ["Invalid cursor."]}
