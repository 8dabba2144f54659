import io

import pytest
from django.apps import apps

from social.models import Follow, Post
from users.models import User


def seed_twice() -> None:
    for _ in range(2):
        for app_label in ("users", "social"):
            apps.get_app_config(app_label).seed_demo_data(stdout=io.StringIO())


@pytest.mark.django_db
def test_the_demo_data_gives_a_living_feed_and_a_second_run_changes_nothing(api_client):
    seed_twice()

    assert Follow.objects.count() == 6
    assert Post.objects.count() == 10
    mate = User.objects.get(username="mate")
    assert (mate.followers_count, mate.following_count) == (2, 2)
    lone = User.objects.get(username="lone")
    assert (lone.followers_count, lone.following_count, lone.posts_count) == (0, 0, 1)
    kinds = {post["kind"] for post in api_client.get("/api/posts/").json()["results"]}
    assert kinds == {"post", "repost", "quote"}


@pytest.mark.django_db
def test_the_demo_history_leaves_the_demo_users_posts_for_today(client_for):
    seed_twice()

    for username in ("mate", "sara", "andras", "lone"):
        client = client_for(User.objects.get(username=username))
        response = client.post("/api/posts/", {"content": "trying the API"})
        assert response.status_code == 201, username
