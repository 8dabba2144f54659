import io

import pytest
from django.apps import apps

from social.models import Post
from users.models import User


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


@pytest.mark.django_db
def test_the_documented_post_repost_and_quote_succeed_for_the_seeded_demo_account(
    schema, client_for
):
    for app in ("users", "social"):
        apps.get_app_config(app).seed_demo_data(stdout=io.StringIO())
    body = schema["paths"]["/api/posts/"]["post"]["requestBody"]["content"]["application/json"]
    # On a fresh database the seed's posts are 1 to 10; here the sequence has moved on.
    offset = Post.objects.order_by("id").first().pk - 1
    mate = User.objects.get(username="mate")

    answers = []
    for example in body["examples"].values():
        post = dict(example["value"])
        for field in ("repost_of", "quote_of"):
            if field in post:
                post[field] += offset
        answers.append(client_for(mate).post("/api/posts/", post).status_code)

    assert answers == [201, 201, 201]


@pytest.mark.parametrize(
    ("status", "code"),
    [("401", "not_authenticated"), ("409", "already_reposted"), ("429", "limit_reached")],
)
def test_the_errors_of_publishing_show_their_real_codes(schema, status, code):
    response = schema["paths"]["/api/posts/"]["post"]["responses"][status]
    examples = response["content"]["application/json"]["examples"].values()

    assert [example["value"]["code"] for example in examples] == [code]
