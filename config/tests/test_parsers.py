import pytest

from config.api.parsers import MAX_DEPTH

# Raw JSON text: "\ud800" is valid JSON that decodes to a lone surrogate, which no
# UTF-8 column, cache key or log line can hold.
LONE_SURROGATE = '"\\ud800"'


def post_json(client, path: str, text: str):
    return client.generic("POST", path, text, content_type="application/json")


def assert_parse_error(response, words: str) -> None:
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert words in body["detail"]
    assert body["fields"] == {}


@pytest.mark.django_db
class TestStringsTheDatabaseCannotStore:
    def test_a_lone_surrogate_as_login_is_a_400(self, api_client):
        body = f'{{"login": {LONE_SURROGATE}, "password": "whatever1"}}'
        response = post_json(api_client, "/api/auth/login", body)
        assert_parse_error(response, "unpaired UTF-16 surrogate")

    def test_a_lone_surrogate_in_the_forgotten_email_is_a_400(self, api_client):
        body = '{"email": "\\ud800@example.com"}'
        response = post_json(api_client, "/api/auth/password/forgot", body)
        assert_parse_error(response, "unpaired UTF-16 surrogate")

    def test_a_lone_surrogate_in_a_key_deep_inside_is_a_400(self, api_client):
        body = f'{{"items": [{{"extras": [{{{LONE_SURROGATE}: 1}}]}}]}}'
        response = post_json(api_client, "/api/orders/", body)
        assert_parse_error(response, "unpaired UTF-16 surrogate")

    def test_a_lone_surrogate_in_a_post_is_a_400(self, client_for, alice):
        body = f'{{"content": {LONE_SURROGATE}}}'
        response = post_json(client_for(alice), "/api/posts/", body)
        assert_parse_error(response, "unpaired UTF-16 surrogate")

    def test_a_lone_surrogate_in_a_greeting_is_a_400(self, api_client):
        response = api_client.generic(
            "PUT", "/hello/Zoe", f'{{"dateOfBirth": {LONE_SURROGATE}}}', "application/json"
        )
        assert_parse_error(response, "unpaired UTF-16 surrogate")

    def test_a_surrogate_pair_is_an_ordinary_character(self, api_client):
        # "\ud83c\udf55" is one emoji (U+1F355), valid everywhere.
        body = '{"login": "\\ud83c\\udf55", "password": "whatever1"}'
        response = post_json(api_client, "/api/auth/login", body)
        assert response.status_code == 401


@pytest.mark.django_db
class TestNesting:
    def test_json_nested_thousands_of_levels_deep_is_a_400(self, api_client):
        body = "[" * 5000 + "]" * 5000
        response = post_json(api_client, "/api/auth/login", body)
        assert_parse_error(response, "nested deeper than")

    def test_json_nested_past_the_limit_but_decodable_is_a_400(self, api_client):
        body = '{"a": ' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1)
        response = post_json(api_client, "/api/auth/login", body)
        assert_parse_error(response, "nested deeper than")

    def test_json_at_the_limit_reaches_the_view(self, api_client):
        body = '{"login": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
        response = post_json(api_client, "/api/auth/login", body)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"


def test_a_form_encoded_body_is_refused_as_unsupported(api_client):
    response = api_client.post("/api/auth/login", {"login": "alice"}, format="multipart")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_the_schema_offers_json_request_bodies_only(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    formats = {
        (path, method): sorted(operation["requestBody"]["content"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }
    assert formats
    assert {key: value for key, value in formats.items() if value != ["application/json"]} == {}
