"""On 100k posts, every feed and follow-list page is an index range scan.

The page queries are captured from real requests, then explained: a sequential scan
of the posts or follows would make each page cost grow with the table.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from social.models import Follow
from users.models import User

pytestmark = pytest.mark.usefixtures("tables_vacuumed_afterwards")

POSTS = 100_000
USERS = 1_000
FOLLOWS_PER_USER = 50


def generate_scaled_data() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO users_user (password, is_superuser, first_name, last_name, is_staff,
                is_active, date_joined, username, user_type, followers_count,
                following_count, posts_count)
            SELECT '!', false, 'Scaled', 'User', false, true, now() - i * interval '1 day',
                'scaled' || i, CASE WHEN i %% 10 = 0 THEN 'brand' ELSE 'person' END, 0, 0, 0
            FROM generate_series(1, %s) AS i
            """,
            [USERS],
        )
        cursor.execute(
            """
            INSERT INTO social_follow (follower_id, followee_id, created_at)
            SELECT follower.id, followee.id, now() - (follower.id + followee.id) * interval '1 s'
            FROM users_user AS follower
            JOIN users_user AS followee
              ON followee.id <> follower.id
             AND (followee.id - follower.id + %s) %% %s < %s
            WHERE follower.username LIKE 'scaled%%' AND followee.username LIKE 'scaled%%'
            """,
            [USERS, USERS // FOLLOWS_PER_USER, 1],
        )
        cursor.execute(
            """
            INSERT INTO social_post (author_id, kind, content, created_at, repost_count,
                quote_count, hidden)
            SELECT (SELECT min(id) FROM users_user WHERE username LIKE 'scaled%%') + i %% %s,
                'post', 'scaled post number ' || i, now() - i * interval '1 minute',
                (i * 7919) %% 13, 0, i %% 1000 = 0
            FROM generate_series(1, %s) AS i
            """,
            [USERS, POSTS],
        )
        cursor.execute("ANALYZE users_user, social_follow, social_post")


def page_queries(client, url: str, table: str) -> tuple[list[str], list]:
    """The queries of one page that read ``table`` in order, and the page's rows."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return [
        query["sql"]
        for query in captured.captured_queries
        if f'FROM "{table}"' in query["sql"] and "ORDER BY" in query["sql"]
    ], response.json()["results"]


def plan_of(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.services
@pytest.mark.django_db
def test_feed_and_follow_list_pages_are_index_scans_on_100k_posts(client_for):
    generate_scaled_data()
    reader = User.objects.get(username="scaled7")
    client = client_for(reader)
    deep_cursor = client.get("/api/posts/?page_size=100").json()["next"]
    for _ in range(20):
        deep_cursor = client.get(deep_cursor).json()["next"]

    pages = {
        "/api/posts/": "social_post",
        deep_cursor: "social_post",
        "/api/posts/?sort=trending": "social_post",
        "/api/posts/?scope=following": "social_post",
        "/api/posts/?author=scaled9": "social_post",
        "/api/posts/?scope=mine&since=2000-01-01": "social_post",
        "/api/users/scaled9/followers/": "social_follow",
        "/api/users/scaled9/following/": "social_follow",
    }
    for url, table in pages.items():
        (sql,), results = page_queries(client, url, table)
        assert results, url
        plan = plan_of(sql)
        assert f"Seq Scan on {table}" not in plan, f"{url}\n{plan}"
        assert "Index Scan" in plan or "Index Only Scan" in plan, f"{url}\n{plan}"
        # A hash table sized for every author, built to look up a page's ten.
        assert "Memoize" not in plan, f"{url}\n{plan}"
        if table == "social_follow":
            # A page of follows read from the list's index alone, in its order: no
            # bitmap scan of all the account's follows and sort.
            assert "Index Only Scan using follow_" in plan, f"{url}\n{plan}"
            assert "Bitmap" not in plan, f"{url}\n{plan}"
            assert "Sort" not in plan, f"{url}\n{plan}"


@pytest.mark.services
@pytest.mark.django_db
def test_a_search_for_a_rare_word_uses_the_trigram_index_on_100k_posts(api_client):
    generate_scaled_data()

    (sql,), _ = page_queries(api_client, "/api/posts/?q=zzqqxx", "social_post")

    plan = plan_of(sql)
    assert "post_content_trgm_idx" in plan, plan
    assert "Seq Scan on social_post" not in plan, plan


def blocks_read(sql: str) -> int:
    """Buffers the query touches, from cache or disk: its cost, without the timing noise."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0][0]["Plan"]
    return plan["Shared Hit Blocks"] + plan["Shared Read Blocks"]


def as_many_posts_again_between_them(count: int) -> None:
    """Posts by every author between the existing ones: each followed account posted
    twice as much, and the newest posts of all hold half as many of theirs."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO social_post (author_id, kind, content, created_at, repost_count,
                quote_count, hidden)
            SELECT (SELECT min(id) FROM users_user WHERE username LIKE 'scaled%%')
                    + (i * 7) %% %s,
                'post', 'between', now() - i * interval '1 minute' + interval '30 s',
                (i * 7919) %% 13, 0, false
            FROM generate_series(1, %s) AS i
            """,
            [USERS, count],
        )
        cursor.execute("ANALYZE social_post")


@pytest.mark.services
@pytest.mark.django_db
@pytest.mark.parametrize("path", ["merge", "timeline"])
def test_a_following_page_costs_the_same_with_twice_the_posts(client_for, settings, path):
    generate_scaled_data()
    reader = User.objects.get(username="scaled7")  # follows 49 accounts
    if path == "timeline":
        # A heavy reader, whose timeline the services would have kept as the posts came.
        settings.FEED_TIMELINE_MIN_FOLLOWS = 10
        follows = Follow.objects.filter(follower=reader).count()
        User.objects.filter(pk=reader.pk).update(following_count=follows)
        call_command("rebuild_timelines", stdout=StringIO(), stderr=StringIO())
    client = client_for(reader)
    deep = client.get("/api/posts/?scope=following&page_size=50").json()["next"]
    urls = ["/api/posts/?scope=following", "/api/posts/?scope=following&sort=trending", deep]

    def costs() -> list[int]:
        pages = [page_queries(client, url, "social_post")[0] for url in urls]
        assert all(len(page) == 1 for page in pages)
        assert all(("social_timelineentry" in sql) == (path == "timeline") for (sql,) in pages)
        return [blocks_read(sql) for (sql,) in pages]

    before = costs()
    as_many_posts_again_between_them(POSTS)
    if path == "timeline":
        call_command("rebuild_timelines", stdout=StringIO(), stderr=StringIO())
    after = costs()

    # Reading every post of the followed accounts would cost twice as much.
    for url, cost_before, cost_after in zip(urls, before, after, strict=True):
        assert cost_after <= 1.2 * cost_before + 10, (url, cost_before, cost_after)
