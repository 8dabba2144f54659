import pytest

from social.models import Post
from social.services import post_create, post_quote, post_repost, post_set_hidden


def author_of(user) -> dict:
    return {"username": user.username, "name": user.name, "user_type": user.user_type}


@pytest.mark.django_db
def test_an_author_publishes_a_post(client_for, alice):
    response = client_for(alice).post("/api/posts/", {"content": "Hello, world!"})

    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "author": author_of(alice),
        "kind": "post",
        "content": "Hello, world!",
        "created_at": body["created_at"],
        "repost_count": 0,
        "quote_count": 0,
        "original": None,
    }


@pytest.mark.django_db
def test_a_repost_has_no_text_and_embeds_its_original(client_for, alice, bob):
    original = post_create(author=alice, content="worth sharing")

    response = client_for(bob).post("/api/posts/", {"repost_of": original.pk})

    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["content"]) == ("repost", None)
    assert body["original"]["id"] == original.pk
    assert body["original"]["author"] == author_of(alice)
    assert body["original"]["repost_count"] == 1
    assert body["original"]["original_id"] is None


@pytest.mark.django_db
def test_a_quote_has_its_own_text_and_embeds_its_original(client_for, alice, bob):
    original = post_create(author=alice, content="worth sharing")

    response = client_for(bob).post("/api/posts/", {"quote_of": original.pk, "content": "Yes!"})

    body = response.json()
    assert (response.status_code, body["kind"], body["content"]) == (201, "quote", "Yes!")
    assert body["original"]["quote_count"] == 1


@pytest.mark.django_db
def test_an_embedded_repost_points_at_its_own_original_by_id(client_for, alice, bob, carol):
    original = post_create(author=alice, content="x")
    repost = post_repost(author=bob, original_id=original.pk)

    body = client_for(carol).post("/api/posts/", {"quote_of": repost.pk, "content": "y"}).json()

    assert body["original"]["kind"] == "repost"
    assert body["original"]["original_id"] == original.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "content"),
        ({"content": ""}, "content"),
        ({"content": "   \n "}, "content"),
        ({"content": "x" * 778}, "content"),
        ({"content": 42.5, "quote_of": "abc"}, "quote_of"),
        ({"quote_of": 1}, "content"),
        ({"repost_of": 1, "content": "why not"}, "content"),
        ({"repost_of": 0}, "repost_of"),
    ],
)
def test_it_rejects_an_invalid_body_with_a_field_error(client_for, alice, payload, field):
    response = client_for(alice).post("/api/posts/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_repost_and_a_quote_at_once(client_for, alice, bob):
    original = post_create(author=bob, content="x")
    response = client_for(alice).post(
        "/api/posts/", {"repost_of": original.pk, "quote_of": original.pk, "content": "y"}
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_it_rejects_a_repost_of_a_repost(client_for, alice, bob, carol):
    repost = post_repost(author=bob, original_id=post_create(author=alice, content="x").pk)
    response = client_for(carol).post("/api/posts/", {"repost_of": repost.pk})
    assert response.status_code == 400
    assert "repost_of" in response.json()["fields"]


@pytest.mark.django_db
def test_it_rejects_a_quote_of_a_quote(client_for, alice, bob, carol):
    quote = post_quote(
        author=bob, original_id=post_create(author=alice, content="x").pk, content="q"
    )
    response = client_for(carol).post("/api/posts/", {"quote_of": quote.pk, "content": "qq"})
    assert response.status_code == 400
    assert "quote_of" in response.json()["fields"]


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["repost_of", "quote_of"])
def test_it_rejects_an_unknown_or_hidden_original(client_for, alice, bob, field):
    hidden = post_create(author=alice, content="x")
    post_set_hidden(post=hidden, hidden=True)
    for original_id in (hidden.pk, 999_999):
        payload = {field: original_id} | ({"content": "q"} if field == "quote_of" else {})
        response = client_for(bob).post("/api/posts/", payload)
        assert response.status_code == 400
        assert field in response.json()["fields"]


@pytest.mark.django_db
def test_reposting_the_same_post_twice_is_a_409(client_for, alice, bob):
    original = post_create(author=alice, content="x")
    client = client_for(bob)
    assert client.post("/api/posts/", {"repost_of": original.pk}).status_code == 201
    response = client.post("/api/posts/", {"repost_of": original.pk})
    assert (response.status_code, response.json()["code"]) == (409, "already_reposted")


@pytest.mark.django_db
def test_the_sixth_post_of_the_day_is_a_429_with_retry_after(client_for, alice):
    client = client_for(alice)
    for number in range(5):
        assert client.post("/api/posts/", {"content": f"post {number}"}).status_code == 201

    response = client.post("/api/posts/", {"content": "one too many"})

    assert response.status_code == 429
    assert response.json()["code"] == "limit_reached"
    assert 0 < int(response["Retry-After"]) <= 86400


@pytest.mark.django_db
def test_publishing_needs_authentication(api_client):
    assert api_client.post("/api/posts/", {"content": "x"}).status_code == 401


@pytest.mark.django_db
def test_anyone_reads_one_post(api_client, alice):
    post = post_create(author=alice, content="x")
    response = api_client.get(f"/api/posts/{post.pk}/")
    assert (response.status_code, response.json()["content"]) == (200, "x")


@pytest.mark.django_db
def test_a_hidden_post_and_the_reposts_of_it_are_a_404(api_client, alice, bob):
    post = post_create(author=alice, content="x")
    repost = post_repost(author=bob, original_id=post.pk)
    post_set_hidden(post=post, hidden=True)

    assert api_client.get(f"/api/posts/{post.pk}/").status_code == 404
    assert api_client.get(f"/api/posts/{repost.pk}/").status_code == 404
    assert api_client.get("/api/posts/999999/").status_code == 404


@pytest.mark.django_db
def test_a_quote_of_a_hidden_post_stays_with_its_original_left_out(api_client, alice, bob):
    post = post_create(author=alice, content="x")
    quote = post_quote(author=bob, original_id=post.pk, content="about x")
    post_set_hidden(post=post, hidden=True)

    body = api_client.get(f"/api/posts/{quote.pk}/").json()

    assert (body["content"], body["original"]) == ("about x", None)


@pytest.mark.django_db
def test_an_original_id_beyond_any_post_is_a_field_error(client_for, alice):
    response = client_for(alice).post("/api/posts/", {"repost_of": 10**20})
    assert response.status_code == 400
    assert "repost_of" in response.json()["fields"]


@pytest.mark.django_db
def test_a_nul_byte_in_the_text_is_a_field_error(client_for, alice):
    response = client_for(alice).post("/api/posts/", {"content": "a\x00b"})
    assert response.status_code == 400
    assert "content" in response.json()["fields"]


@pytest.mark.django_db
def test_a_post_sent_as_form_data_is_a_415(client_for, alice):
    response = client_for(alice).post("/api/posts/", {"content": "hello"}, format="multipart")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert not alice.posts.exists()


@pytest.mark.django_db
def test_one_post_with_its_original_costs_one_query(
    api_client, alice, bob, django_assert_num_queries
):
    original = post_create(author=alice, content="first")
    quote = post_quote(author=bob, original_id=original.pk, content="about it")

    with django_assert_num_queries(1):
        assert api_client.get(f"/api/posts/{quote.pk}/").json()["original"]["id"] == original.pk
