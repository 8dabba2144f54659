import pytest
from django.test import Client

from social.models import Post
from social.services import follow_create, post_create, post_repost


@pytest.fixture
def staff_browser(staff) -> Client:
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    browser = Client()
    browser.force_login(staff)
    return browser


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["", "?kind__exact=repost", "?hidden__exact=1", "?q=pizza", "?created_at__year=2026"],
)
def test_staff_list_posts_with_filters_and_search(staff_browser, alice, bob, query):
    original = post_create(author=alice, content="pizza time")
    post_repost(author=bob, original_id=original.pk)

    response = staff_browser.get(f"/admin/social/post/{query}")

    assert response.status_code == 200


@pytest.mark.django_db
def test_staff_filter_posts_by_author(staff_browser, alice, bob):
    post_create(author=alice, content="by alice")
    post_create(author=bob, content="by bob")

    response = staff_browser.get(f"/admin/social/post/?author__id__exact={alice.pk}")

    assert b"by alice" in response.content
    assert b"by bob" not in response.content


@pytest.mark.django_db
def test_staff_hide_posts_with_the_action_and_the_counters_follow(staff_browser, alice, bob):
    original = post_create(author=alice, content="x")
    repost = post_repost(author=bob, original_id=original.pk)

    staff_browser.post(
        "/admin/social/post/", {"action": "hide_posts", "_selected_action": [repost.pk]}
    )

    repost.refresh_from_db()
    original.refresh_from_db()
    bob.refresh_from_db()
    assert (repost.hidden, original.repost_count, bob.posts_count) == (True, 0, 0)


@pytest.mark.django_db
def test_staff_hide_a_post_from_its_page(staff_browser, alice):
    post = post_create(author=alice, content="x")

    staff_browser.post(f"/admin/social/post/{post.pk}/change/", {"hidden": "on"})

    post.refresh_from_db()
    alice.refresh_from_db()
    assert (post.hidden, alice.posts_count) == (True, 0)


@pytest.mark.django_db
def test_staff_delete_a_post_and_its_reposts_with_the_counters_kept_right(
    staff_browser, alice, bob
):
    original = post_create(author=alice, content="x")
    post_repost(author=bob, original_id=original.pk)

    staff_browser.post(f"/admin/social/post/{original.pk}/delete/", {"post": "yes"})

    assert not Post.objects.exists()
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert (alice.posts_count, bob.posts_count) == (0, 0)


@pytest.mark.django_db
def test_staff_delete_follows_in_bulk_with_the_counters_kept_right(
    staff_browser, alice, bob, carol
):
    follows = [follow_create(follower=user, followee=alice)[0] for user in (bob, carol)]

    staff_browser.post(
        "/admin/social/follow/",
        {"action": "delete_selected", "_selected_action": [f.pk for f in follows], "post": "yes"},
    )

    alice.refresh_from_db()
    assert alice.followers_count == 0


@pytest.mark.django_db
def test_staff_cannot_add_posts_or_follows_that_would_bypass_the_rules(staff_browser):
    assert staff_browser.get("/admin/social/post/add/").status_code == 403
    assert staff_browser.get("/admin/social/follow/add/").status_code == 403
