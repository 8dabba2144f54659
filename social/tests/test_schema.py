import pytest


@pytest.fixture
def schema(api_client) -> dict:
    return api_client.get("/api/schema/?format=json").json()


def test_the_schema_gives_the_retry_after_header_of_the_daily_limit(schema):
    too_many = schema["paths"]["/api/posts/"]["post"]["responses"]["429"]
    assert too_many["headers"]["Retry-After"]["schema"] == {"type": "integer"}


@pytest.mark.parametrize("method", ["post", "delete"])
def test_the_schema_says_following_and_unfollowing_need_authentication(schema, method):
    assert "401" in schema["paths"]["/api/users/{username}/follow/"][method]["responses"]


@pytest.mark.parametrize(
    ("path", "default"),
    [("/api/posts/", 10), ("/api/users/{username}/followers/", 20)],
)
def test_the_schema_gives_the_default_and_largest_page_size(schema, path, default):
    parameters = {
        parameter["name"]: parameter for parameter in schema["paths"][path]["get"]["parameters"]
    }
    assert parameters["page_size"]["schema"] == {
        "type": "integer",
        "default": default,
        "minimum": 1,
        "maximum": 100,
    }


def test_the_schema_documents_a_json_body_only_for_a_new_post(schema):
    body = schema["paths"]["/api/posts/"]["post"]["requestBody"]
    assert list(body["content"]) == ["application/json"]
