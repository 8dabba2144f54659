import base64
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from social.models import Follow
from social.services import follow_create
from social.tests.factories import FollowFactory
from users.tests.factories import UserFactory


@pytest.mark.django_db
def test_following_answers_201_then_200_with_the_followed_profile(client_for, alice, bob):
    first = client_for(bob).post("/api/users/alice/follow/")
    second = client_for(bob).post("/api/users/ALICE/follow/")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["is_following"] is True
    assert second.json()["followers_count"] == 1
    assert Follow.objects.filter(follower=bob, followee=alice).count() == 1


@pytest.mark.django_db
def test_following_yourself_is_a_400(client_for, alice):
    response = client_for(alice).post("/api/users/alice/follow/")
    assert response.status_code == 400
    assert response.json()["code"] == "self_follow"


@pytest.mark.django_db
def test_following_needs_authentication(api_client, alice):
    assert api_client.post("/api/users/alice/follow/").status_code == 401
    assert api_client.delete("/api/users/alice/follow/").status_code == 401


@pytest.mark.django_db
def test_following_an_unknown_user_is_a_404(client_for, bob):
    assert client_for(bob).post("/api/users/nobody/follow/").status_code == 404


@pytest.mark.django_db
def test_unfollowing_answers_204_whether_or_not_you_followed(client_for, alice, bob):
    follow_create(follower=bob, followee=alice)
    assert client_for(bob).delete("/api/users/alice/follow/").status_code == 204
    assert client_for(bob).delete("/api/users/alice/follow/").status_code == 204
    alice.refresh_from_db()
    assert alice.followers_count == 0


@pytest.mark.django_db
def test_the_profile_shows_counters_and_whether_the_caller_follows(
    api_client, client_for, alice, bob, carol
):
    follow_create(follower=bob, followee=alice)
    joined = datetime(2021, 3, 25, 23, 30, tzinfo=UTC)
    type(alice).objects.filter(pk=alice.pk).update(date_joined=joined)

    body = client_for(bob).get("/api/users/alice/").json()

    assert body == {
        "username": "alice",
        "name": "Alice Author",
        "user_type": "person",
        "date_joined": "2021-03-25T23:30:00Z",
        "date_joined_display": "March 25, 2021",
        "followers_count": 1,
        "following_count": 0,
        "posts_count": 0,
        "is_following": True,
    }
    assert client_for(carol).get("/api/users/alice/").json()["is_following"] is False
    assert api_client.get("/api/users/alice/").json()["is_following"] is False


@pytest.mark.django_db
def test_the_profile_of_an_unknown_user_is_a_404(api_client):
    assert api_client.get("/api/users/nobody/").status_code == 404


@pytest.mark.django_db
def test_the_profile_takes_a_fixed_number_of_queries(
    client_for, alice, bob, django_assert_max_num_queries
):
    client = client_for(bob)
    # the caller's account, the profile, whether the caller follows
    with django_assert_max_num_queries(3):
        assert client.get("/api/users/alice/").status_code == 200


def _followers_of(alice, count: int) -> list[str]:
    now = timezone.now()
    names = []
    for index in range(count):
        follower = UserFactory(user_type="brand" if index % 2 else "person")
        FollowFactory(follower=follower, followee=alice, created_at=now - timedelta(minutes=index))
        names.append(follower.username)
    return names


@pytest.mark.django_db
def test_followers_are_listed_newest_follow_first_with_their_type(api_client, alice):
    names = _followers_of(alice, 3)

    body = api_client.get("/api/users/alice/followers/").json()

    assert [user["username"] for user in body["results"]] == names
    assert body["results"][1] == {
        "username": names[1],
        "name": body["results"][1]["name"],
        "user_type": "brand",
    }
    assert body["next"] is None


@pytest.mark.django_db
def test_following_lists_whom_the_user_follows_newest_first(api_client, alice, bob, carol):
    now = timezone.now()
    FollowFactory(follower=alice, followee=bob, created_at=now - timedelta(hours=1))
    FollowFactory(follower=alice, followee=carol, created_at=now)

    body = api_client.get("/api/users/alice/following/").json()

    assert [user["username"] for user in body["results"]] == ["carol", "bob"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["followers", "following"])
def test_the_follow_lists_of_an_unknown_user_are_a_404(api_client, path):
    assert api_client.get(f"/api/users/nobody/{path}/").status_code == 404


@pytest.mark.django_db
def test_followers_page_through_every_follower_once_with_a_fixed_number_of_queries(
    client_for, alice, bob, django_assert_max_num_queries
):
    names = _followers_of(alice, 25)
    client = client_for(bob)
    seen = []
    url = "/api/users/alice/followers/?page_size=10"
    while url:
        # the caller's account, the page (the user is found inside its query)
        with django_assert_max_num_queries(2):
            body = client.get(url).json()
        seen += [user["username"] for user in body["results"]]
        url = body["next"]
    assert seen == names


@pytest.mark.django_db
def test_following_pages_cost_the_same_for_10_or_100_rows(
    api_client, alice, django_assert_max_num_queries
):
    for _ in range(30):
        FollowFactory(follower=alice)
    for page_size in (10, 100):
        with django_assert_max_num_queries(1):
            response = api_client.get(f"/api/users/alice/following/?page_size={page_size}")
        assert len(response.json()["results"]) == min(page_size, 30)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["followers", "following"])
def test_a_user_without_follows_has_an_empty_list_for_two_queries(
    api_client, alice, path, django_assert_num_queries
):
    # the empty page, then the user on its own: known, so no 404
    with django_assert_num_queries(2):
        response = api_client.get(f"/api/users/alice/{path}/")
    assert (response.status_code, response.json()["results"]) == (200, [])


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["a%00b", "al-ice", "%C3%A9"])
def test_a_username_that_cannot_exist_is_a_json_404(api_client, username):
    for suffix in ("", "followers/", "following/"):
        response = api_client.get(f"/api/users/{username}/{suffix}")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("relation", ["followers", "following"])
def test_a_stale_bearer_token_does_not_get_in_the_way_of_the_follow_lists(
    api_client, alice, relation
):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.forged")

    assert api_client.get(f"/api/users/alice/{relation}/").status_code == 200


def _orm_follow_rows(user, party: str) -> list[dict]:
    """The rows a follow list shows, read by the ORM: newest follow first."""
    owner = "followee" if party == "follower" else "follower"
    return list(
        Follow.objects.filter(**{owner: user})
        .order_by("-created_at", "-id")
        .values(
            "created_at",
            "id",
            *(
                f"{party}__{column}"
                for column in ("username", "first_name", "last_name", "user_type")
            ),
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "party"), [("followers", "follower"), ("following", "followee")])
def test_walking_a_follow_list_both_ways_shows_the_rows_the_orm_reads_in_order(
    api_client, alice, path, party
):
    now = timezone.now()
    for index in range(7):
        other = UserFactory(
            first_name=f"Ann{index}",
            last_name="" if index % 2 else "Lee",
            # Listed as before: the lists never left out deactivated accounts.
            is_active=index != 3,
        )
        # Two follows share each moment: the id breaks the tie.
        created_at = now - timedelta(minutes=index // 2)
        if party == "follower":
            FollowFactory(follower=other, followee=alice, created_at=created_at)
        else:
            FollowFactory(follower=alice, followee=other, created_at=created_at)
    expected = [
        {
            "username": row[f"{party}__username"],
            "name": f"{row[f'{party}__first_name']} {row[f'{party}__last_name']}".strip(),
            "user_type": row[f"{party}__user_type"],
        }
        for row in _orm_follow_rows(alice, party)
    ]

    pages, url = [], f"/api/users/ALICE/{path}/?page_size=3"
    while url:
        body = api_client.get(url).json()
        pages.append(body)
        url = body["next"]
    back, url = [], pages[-1]["previous"]
    while url:
        body = api_client.get(url).json()
        back.insert(0, body["results"])
        url = body["previous"]

    assert [user for page in pages for user in page["results"]] == expected
    assert back == [page["results"] for page in pages[:-1]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "position",
    [
        ["not a time", 1],
        [5, 1],
        ["2026-01-01T00:00:00+00:00", "x"],
        ["2026-01-01T00:00:00+00:00", 10**20],
        ["2026-01-01T00:00:00+00:00"],
    ],
)
def test_a_forged_follow_list_cursor_is_a_400_on_cursor(api_client, alice, position):
    FollowFactory(followee=alice)
    cursor = base64.b64encode(urlencode({"p": json.dumps(position)}).encode()).decode()

    response = api_client.get(f"/api/users/alice/followers/?{urlencode({'cursor': cursor})}")

    assert response.status_code == 400
    assert response.json()["fields"] == {"cursor": ["Invalid cursor."]}
