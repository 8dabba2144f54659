from base64 import b64encode
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from social.models import Post
from social.services import post_create, post_repost, post_set_hidden
from social.tests.factories import FollowFactory, PostFactory, QuoteFactory, RepostFactory
from users.tests.factories import UserFactory


def contents(response) -> list:
    return [post["content"] for post in response.json()["results"]]


def ids(response) -> list[int]:
    return [post["id"] for post in response.json()["results"]]


def minutes_ago(minutes: int) -> datetime:
    return timezone.now() - timedelta(minutes=minutes)


@pytest.mark.django_db
def test_the_feed_shows_everyone_newest_first(api_client, alice, bob):
    PostFactory(author=alice, content="old", created_at=minutes_ago(2))
    PostFactory(author=bob, content="new", created_at=minutes_ago(1))

    assert contents(api_client.get("/api/posts/")) == ["new", "old"]


@pytest.mark.django_db
def test_the_following_feed_shows_only_the_followed_newest_first_with_reposts_embedded(
    client_for, alice, bob, carol
):
    FollowFactory(follower=bob, followee=alice)
    carols = PostFactory(author=carol, content="by carol", created_at=minutes_ago(5))
    PostFactory(author=alice, content="first", created_at=minutes_ago(4))
    repost = RepostFactory(author=alice, original=carols, created_at=minutes_ago(3))
    PostFactory(author=bob, content="bob's own", created_at=minutes_ago(2))
    PostFactory(author=alice, content="latest", created_at=minutes_ago(1))

    body = client_for(bob).get("/api/posts/?scope=following").json()

    assert [(post["author"]["username"], post["content"]) for post in body["results"]] == [
        ("alice", "latest"),
        ("alice", None),
        ("alice", "first"),
    ]
    embedded = body["results"][1]["original"]
    assert (body["results"][1]["id"], embedded["id"]) == (repost.pk, carols.pk)
    assert (embedded["author"]["username"], embedded["content"]) == ("carol", "by carol")


@pytest.mark.django_db
def test_the_mine_feed_shows_the_callers_posts(client_for, alice, bob):
    PostFactory(author=alice, content="alice")
    PostFactory(author=bob, content="bob")

    assert contents(client_for(alice).get("/api/posts/?scope=mine")) == ["alice"]


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["following", "mine"])
def test_the_personal_feeds_need_authentication(api_client, scope):
    assert api_client.get(f"/api/posts/?scope={scope}").status_code == 401


@pytest.mark.django_db
def test_the_feed_filters_by_author_ignoring_case(api_client, alice, bob):
    PostFactory(author=alice, content="alice")
    PostFactory(author=bob, content="bob")

    assert contents(api_client.get("/api/posts/?author=BOB")) == ["bob"]


@pytest.mark.django_db
def test_the_feed_filters_by_utc_days_both_ends_included(api_client, alice):
    for day in (1, 2, 3, 4):
        PostFactory(
            author=alice, content=f"day {day}", created_at=datetime(2026, 3, day, 12, tzinfo=UTC)
        )
    PostFactory(author=alice, content="late 3", created_at=datetime(2026, 3, 3, 23, 59, tzinfo=UTC))

    response = api_client.get("/api/posts/?since=2026-03-02&until=2026-03-03")

    assert contents(response) == ["late 3", "day 3", "day 2"]


@pytest.mark.django_db
def test_the_trending_sort_puts_the_most_reposted_first_then_the_newest(api_client, alice):
    quiet = PostFactory(author=alice, content="quiet", created_at=minutes_ago(1))
    popular = PostFactory(
        author=alice, content="popular", repost_count=3, created_at=minutes_ago(3)
    )
    liked = PostFactory(author=alice, content="liked", repost_count=1, created_at=minutes_ago(2))
    older_quiet = PostFactory(author=alice, content="older", created_at=minutes_ago(4))

    response = api_client.get("/api/posts/?sort=trending")

    assert ids(response) == [popular.pk, liked.pk, quiet.pk, older_quiet.pk]


@pytest.mark.django_db
def test_trending_pages_through_ties_without_repeating_or_skipping(api_client, alice):
    created = [
        PostFactory(author=alice, repost_count=index % 3, created_at=minutes_ago(index % 4))
        for index in range(23)
    ]
    expected = sorted(created, key=lambda p: (-p.repost_count, -p.created_at.timestamp(), -p.pk))

    seen, url = [], "/api/posts/?sort=trending&page_size=5"
    while url:
        body = api_client.get(url).json()
        seen += [post["id"] for post in body["results"]]
        url = body["next"]

    assert seen == [post.pk for post in expected]


@pytest.mark.django_db
def test_the_search_finds_posts_and_quotes_by_their_own_text_never_reposts(api_client, alice, bob):
    original = PostFactory(author=alice, content="Pizza tonight?")
    quote = QuoteFactory(author=bob, original=original, content="PIZZA for sure")
    RepostFactory(author=bob, original=original)
    QuoteFactory(author=bob, original=original, content="no thanks")

    response = api_client.get("/api/posts/?q=pizza")

    assert sorted(ids(response)) == [original.pk, quote.pk]


@pytest.mark.django_db
def test_the_filters_combine(client_for, alice, bob, carol):
    FollowFactory(follower=carol, followee=alice)
    FollowFactory(follower=carol, followee=bob)
    PostFactory(author=alice, content="pizza by alice")
    PostFactory(author=bob, content="pizza by bob")
    PostFactory(author=alice, content="pasta by alice")

    response = client_for(carol).get("/api/posts/?scope=following&author=alice&q=pizza")

    assert contents(response) == ["pizza by alice"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("scope=friends", "scope"),
        ("sort=oldest", "sort"),
        ("since=yesterday", "since"),
        ("until=2026-02-30", "until"),
        ("since=2026-03-02&until=2026-03-01", "until"),
        ("author=nobody", "author"),
        ("author=" + "x" * 15, "author"),
        ("q=" + "x" * 101, "q"),
        ("cursor=garbage", "cursor"),
    ],
)
def test_an_invalid_filter_value_is_a_400(api_client, query, field):
    response = api_client.get(f"/api/posts/?{query}")

    assert response.status_code == 400
    assert field in response.json()["fields"]


@pytest.mark.django_db
def test_a_forged_cursor_position_is_a_400(api_client):
    forged = b64encode(b'p=["not a date", "x"]').decode()
    response = api_client.get(f"/api/posts/?cursor={forged}")
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_cursor_that_is_not_one_is_a_400_on_the_cursor(api_client):
    response = api_client.get("/api/posts/?cursor=%%%not-base64")

    assert response.status_code == 400
    assert response.json()["fields"] == {"cursor": ["Invalid cursor."]}


@pytest.mark.django_db
def test_hidden_posts_and_reposts_of_them_are_left_out_of_the_feed(api_client, alice, bob):
    hidden = post_create(author=alice, content="hidden")
    post_set_hidden(post=hidden, hidden=True)
    RepostFactory(author=bob, original=hidden)
    PostFactory(author=bob, content="visible")

    assert contents(api_client.get("/api/posts/")) == ["visible"]


@pytest.mark.django_db
def test_the_feed_pages_10_by_default_and_walks_back_with_previous(api_client, alice):
    posts = [PostFactory(author=alice, created_at=minutes_ago(i)) for i in range(15)]

    first = api_client.get("/api/posts/").json()
    second = api_client.get(first["next"]).json()
    back = api_client.get(second["previous"]).json()

    assert [post["id"] for post in first["results"]] == [post.pk for post in posts[:10]]
    assert [post["id"] for post in second["results"]] == [post.pk for post in posts[10:]]
    assert (first["previous"], second["next"]) == (None, None)
    assert back["results"] == first["results"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "",
        "scope=following",
        "scope=mine",
        "author=alice",
        "sort=trending",
        "q=a",
        "since=2020-01-01",
    ],
)
def test_a_feed_page_takes_a_fixed_number_of_queries_whatever_its_size_and_depth(
    client_for, alice, bob, django_assert_max_num_queries, query
):
    FollowFactory(follower=bob, followee=alice)
    for index in range(40):
        original = PostFactory(author=alice, content=f"a post {index}")
        QuoteFactory(author=UserFactory(), original=original, content=f"a quote {index}")
        RepostFactory(author=UserFactory(), original=original)
    client = client_for(bob if "mine" not in query else alice)
    for page_size in (10, 100):
        url = f"/api/posts/?page_size={page_size}&{query}"
        for _ in range(2):
            # the caller's account, the author filter's user, the page
            with django_assert_max_num_queries(3):
                body = client.get(url).json()
            assert body["results"]
            url = body["next"] or url


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "scope=following", "scope=mine", "sort=trending"])
def test_a_feed_page_reads_no_password_hash_nor_email_of_the_authors(client_for, alice, bob, query):
    FollowFactory(follower=bob, followee=alice)
    RepostFactory(author=alice, original=QuoteFactory(author=bob, original=PostFactory()))
    client = client_for(alice if "mine" in query else bob)
    client.get(f"/api/posts/?{query}")  # the caller's account is read apart from the page

    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/posts/?{query}&page_size=20").json()["results"]

    page = queries.captured_queries[-1]["sql"]
    assert "social_post" in page
    assert '"password"' not in page
    assert '"email"' not in page


@pytest.mark.django_db
def test_a_cursor_beyond_every_id_or_a_nul_in_the_search_is_a_400(api_client, alice):
    PostFactory(author=alice)
    huge = b64encode(b'p=["2026-01-01T00:00:00+00:00", 100000000000000000000000]').decode()
    assert api_client.get(f"/api/posts/?cursor={huge}").status_code == 400
    assert api_client.get("/api/posts/?q=a%00b").status_code == 400


@pytest.mark.django_db
def test_empty_author_and_search_filters_filter_nothing(api_client, alice):
    PostFactory(author=alice, content="x")
    assert contents(api_client.get("/api/posts/?author=&q=")) == ["x"]


@pytest.mark.django_db
def test_a_trending_walk_shows_the_ranking_of_its_first_page_while_reposts_move_posts(
    client_for, alice, bob
):
    posts = [PostFactory(author=alice, created_at=minutes_ago(100 - i)) for i in range(30)]
    for rank, post in enumerate(posts[:10]):
        for _ in range(10 - rank):
            post_repost(author=UserFactory(), original_id=post.pk)
    ranking = list(
        Post.objects.order_by("-repost_count", "-created_at", "-id").values_list("pk", flat=True)
    )
    client = client_for(bob)

    body = client.get("/api/posts/?sort=trending&page_size=10").json()
    seen = ids_of(body)
    while body["next"]:
        # Between two pages the last posts of the ranking jump to its top and a post not
        # shown yet gains a repost: a cursor on the live counts would skip them.
        for post in posts[-2:]:
            for _ in range(12):
                post_repost(author=UserFactory(), original_id=post.pk)
        unseen = next(post for post in posts if post.pk not in seen)
        post_repost(author=UserFactory(), original_id=unseen.pk)
        body = client.get(body["next"]).json()
        seen += ids_of(body)

    assert seen == ranking
    # A new walk ranks as of its own first page.
    fresh = ids_of(client.get("/api/posts/?sort=trending&page_size=10").json())
    assert set(fresh[:2]) == {posts[-2].pk, posts[-1].pk}


def ids_of(body: dict) -> list[int]:
    return [post["id"] for post in body["results"]]
