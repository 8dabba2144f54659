from datetime import timedelta

import pytest
from django.utils import timezone

from config.api.errors import ApplicationError, Conflict, LimitReached
from social.models import Follow, Post
from social.services import (
    follow_create,
    follow_delete,
    post_create,
    post_quote,
    post_repost,
    post_set_hidden,
)
from social.tests.factories import PostFactory


def counters(user) -> tuple[int, int, int]:
    user.refresh_from_db()
    return user.followers_count, user.following_count, user.posts_count


def post_counters(post) -> tuple[int, int]:
    post.refresh_from_db()
    return post.repost_count, post.quote_count


@pytest.mark.django_db
def test_following_moves_both_users_counters_once(alice, bob):
    _, created = follow_create(follower=bob, followee=alice)
    _, created_again = follow_create(follower=bob, followee=alice)

    assert (created, created_again) == (True, False)
    assert counters(alice) == (1, 0, 0)
    assert counters(bob) == (0, 1, 0)


@pytest.mark.django_db
def test_unfollowing_gives_the_counts_back_and_is_harmless_when_not_following(alice, bob):
    follow_create(follower=bob, followee=alice)

    assert follow_delete(follower=bob, followee=alice) is True
    assert follow_delete(follower=bob, followee=alice) is False
    assert counters(alice) == (0, 0, 0)
    assert counters(bob) == (0, 0, 0)


@pytest.mark.django_db
def test_it_rejects_following_yourself(alice):
    with pytest.raises(ApplicationError):
        follow_create(follower=alice, followee=alice)
    assert not Follow.objects.exists()


@pytest.mark.django_db
def test_a_brand_may_follow_a_person_and_a_person_a_brand(alice):
    brand = type(alice).objects.create(username="pizzaco", user_type="brand")
    follow_create(follower=brand, followee=alice)
    follow_create(follower=alice, followee=brand)
    assert counters(brand) == (1, 1, 0)


@pytest.mark.django_db
def test_reposts_and_quotes_count_on_the_original_and_on_their_authors(alice, bob, carol):
    original = post_create(author=alice, content="hello")
    post_repost(author=bob, original_id=original.pk)
    post_quote(author=carol, original_id=original.pk, content="well said")

    assert post_counters(original) == (1, 1)
    assert [counters(user)[2] for user in (alice, bob, carol)] == [1, 1, 1]


@pytest.mark.django_db
def test_it_rejects_a_repost_of_a_repost(alice, bob, carol):
    repost = post_repost(author=bob, original_id=post_create(author=alice, content="x").pk)
    with pytest.raises(ApplicationError) as error:
        post_repost(author=carol, original_id=repost.pk)
    assert "repost_of" in error.value.fields


@pytest.mark.django_db
def test_it_rejects_a_quote_of_a_quote(alice, bob, carol):
    quote = post_quote(
        author=bob, original_id=post_create(author=alice, content="x").pk, content="y"
    )
    with pytest.raises(ApplicationError) as error:
        post_quote(author=carol, original_id=quote.pk, content="z")
    assert "quote_of" in error.value.fields


@pytest.mark.django_db
def test_a_quote_may_point_at_a_repost_and_a_repost_at_a_quote(alice, bob, carol):
    original = post_create(author=alice, content="x")
    repost = post_repost(author=bob, original_id=original.pk)
    quote = post_quote(author=carol, original_id=repost.pk, content="y")
    post_repost(author=alice, original_id=quote.pk)
    assert post_counters(repost) == (0, 1)
    assert post_counters(quote) == (1, 0)


@pytest.mark.django_db
def test_reposting_the_same_post_twice_is_a_conflict_that_changes_nothing(alice, bob):
    original = post_create(author=alice, content="x")
    post_repost(author=bob, original_id=original.pk)
    with pytest.raises(Conflict):
        post_repost(author=bob, original_id=original.pk)
    assert post_counters(original) == (1, 0)
    assert counters(bob)[2] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("content", ["", "   ", "\n\t", "x" * 778])
def test_it_rejects_empty_blank_or_too_long_text(alice, content):
    with pytest.raises(ApplicationError):
        post_create(author=alice, content=content)
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_text_of_exactly_777_characters_is_accepted(alice):
    assert len(post_create(author=alice, content="x" * 777).content) == 777


@pytest.mark.django_db
def test_the_sixth_post_of_the_day_reaches_the_limit_whatever_its_kind(alice, bob):
    original = post_create(author=bob, content="x")
    post_repost(author=alice, original_id=original.pk)
    post_quote(author=alice, original_id=original.pk, content="y")
    for _ in range(3):
        post_create(author=alice, content="z")

    with pytest.raises(LimitReached) as error:
        post_create(author=alice, content="one too many")
    assert 0 < error.value.retry_after <= 24 * 3600
    assert Post.objects.filter(author=alice).count() == 5
    assert counters(alice)[2] == 5


@pytest.mark.django_db
def test_posts_of_earlier_days_do_not_count_toward_the_limit(alice):
    yesterday = timezone.now() - timedelta(days=1)
    PostFactory.create_batch(5, author=alice, created_at=yesterday)

    post = post_create(author=alice, content="a new day")

    assert Post.objects.filter(author=alice, created_at__gte=post.created_at).get() == post


@pytest.mark.django_db
def test_a_repost_needs_a_visible_original(alice, bob):
    hidden = post_create(author=alice, content="x")
    post_set_hidden(post=hidden, hidden=True)
    for original_id in (hidden.pk, hidden.pk + 1000):
        with pytest.raises(ApplicationError) as error:
            post_repost(author=bob, original_id=original_id)
        assert "repost_of" in error.value.fields


@pytest.mark.django_db
def test_hiding_a_repost_gives_its_counts_back_and_showing_it_takes_them_again(alice, bob):
    original = post_create(author=alice, content="x")
    repost = post_repost(author=bob, original_id=original.pk)

    assert post_set_hidden(post=repost, hidden=True) is True
    assert post_set_hidden(post=repost, hidden=True) is False
    assert (post_counters(original), counters(bob)[2]) == ((0, 0), 0)

    post_set_hidden(post=repost, hidden=False)
    assert (post_counters(original), counters(bob)[2]) == ((1, 0), 1)


@pytest.mark.django_db
def test_deleting_a_post_removes_its_reposts_and_quotes_and_keeps_counters_right(alice, bob, carol):
    original = post_create(author=alice, content="x")
    quote = post_quote(author=bob, original_id=original.pk, content="y")
    post_repost(author=carol, original_id=quote.pk)
    hidden_repost = post_repost(author=carol, original_id=original.pk)
    post_set_hidden(post=hidden_repost, hidden=True)
    kept = post_create(author=bob, content="stays")

    original.delete()

    assert list(Post.objects.all()) == [kept]
    assert [counters(user)[2] for user in (alice, bob, carol)] == [0, 1, 0]


@pytest.mark.django_db
def test_deleting_a_user_gives_back_the_counts_of_their_follows_and_reposts(alice, bob, carol):
    follow_create(follower=bob, followee=alice)
    follow_create(follower=alice, followee=carol)
    original = post_create(author=carol, content="x")
    post_repost(author=bob, original_id=original.pk)

    bob.delete()

    assert counters(alice) == (0, 1, 0)
    assert post_counters(original) == (0, 0)
