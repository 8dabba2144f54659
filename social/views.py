"""The social API: profiles with their follows and follow lists, and the posts.

Both are viewsets on the app's router. The profile viewset serves `/api/users/{username}/`
beside the users app's list: a profile shows whether the caller follows the user and
counters that this app keeps and caches, so it lives where follows live (the users app
may not import this one).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.errors import (
    NotAuthenticated,
    NotFound,
    error_body,
    error_response,
)
from config.api.pagination import KeysetPagination
from config.database_router import reads_from_primary
from social import profile_cache, selectors, services
from social.feed_cache import FIRST_PAGE_QUERIES, feed_first_page_cached
from social.serializers import (
    FeedFilterSerializer,
    PostCreateSerializer,
    PostSerializer,
    ProfileSerializer,
    UserSummarySerializer,
    post_data,
    profile_data,
    user_summary_row,
)
from users.models import User
from users.selectors import (
    UNKNOWN_USERNAME,
    user_get_by_username,
    user_get_for_field,
)

USERNAME_PARAMETER = OpenApiParameter(
    "username", OpenApiTypes.STR, OpenApiParameter.PATH, description="Ignoring case."
)
NEWEST_FIRST = ("-created_at", "-id")
# Repost counts change, so a post can move between pages while a client pages through
# "trending"; the cursor still never repeats a position and costs one index range scan.
TRENDING_ORDERING = ("-repost_count", "-created_at", "-id")

RETRY_AFTER_HEADER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429],
    description="Seconds until midnight UTC, when the daily limit starts again.",
)
UNKNOWN_USER = error_response("Unknown user.", error_body(404, "not_found", UNKNOWN_USERNAME))
NOT_AUTHENTICATED = error_response(
    "Not authenticated.",
    error_body(401, "not_authenticated", "Authentication credentials were not provided."),
)
FOLLOW_LIST_RESPONSES = {
    200: UserSummarySerializer(many=True),
    400: error_response("An invalid cursor."),
    404: UNKNOWN_USER,
}
# Prefilled in /docs/; each succeeds for the demo account of `manage.py seed` (mate,
# whose posts of the seed are of earlier days): post 9 is Sara's post, which mate has
# not reposted, post 6 is Lone's post.
POST_EXAMPLES = [
    OpenApiExample("A post", value={"content": "Pizza tonight, anyone?"}, request_only=True),
    OpenApiExample("A repost", value={"repost_of": 9}, request_only=True),
    OpenApiExample(
        "A quote",
        value={"quote_of": 6, "content": "Following you now, Lone."},
        request_only=True,
    ),
]


def _followee_get(username: str) -> User:
    # A write must not fail on replica lag: someone who signed up a moment ago can be
    # followed at once, by anyone.
    with reads_from_primary():
        return user_get_by_username(username=username)


def _profile_response(*, user: User, viewer, status_code: int = 200) -> Response:
    is_following = selectors.follow_exists(follower=viewer, followee=user)
    return Response(profile_data(user, is_following=is_following), status=status_code)


@extend_schema(tags=["social"], parameters=[USERNAME_PARAMETER])
class ProfileViewSet(viewsets.GenericViewSet):
    """A user's profile, following them, and who follows whom."""

    permission_classes = [AllowAny]
    serializer_class = ProfileSerializer
    lookup_field = "username"
    lookup_value_converter = "username"
    pagination_class = KeysetPagination
    ordering = NEWEST_FIRST

    @extend_schema(summary="A profile", responses={200: ProfileSerializer, 404: UNKNOWN_USER})
    def retrieve(self, request: Request, username: str) -> Response:
        """A user's profile with their counters, and whether you follow them."""
        user = profile_cache.profile_user_get(username=username)
        return _profile_response(user=user, viewer=request.user)

    @extend_schema(
        summary="Follow a user",
        request=None,
        responses={
            201: OpenApiResponse(ProfileSerializer, description="Followed; their profile."),
            200: OpenApiResponse(ProfileSerializer, description="Already followed."),
            400: error_response(
                "You cannot follow yourself.",
                error_body(400, "self_follow", "You cannot follow yourself."),
            ),
            401: NOT_AUTHENTICATED,
            404: UNKNOWN_USER,
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def follow(self, request: Request, username: str) -> Response:
        """Follow a user (idempotent)."""
        followee = _followee_get(username)
        _, created = services.follow_create(follower=request.user, followee=followee)
        followee.refresh_from_db(fields=["followers_count", "following_count", "posts_count"])
        return _profile_response(
            user=followee,
            viewer=request.user,
            status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        summary="Unfollow a user",
        responses={204: None, 401: NOT_AUTHENTICATED, 404: UNKNOWN_USER},
    )
    @follow.mapping.delete
    def unfollow(self, request: Request, username: str) -> Response:
        """Stop following a user; also 204 when you did not follow them."""
        followee = _followee_get(username)
        services.follow_delete(follower=request.user, followee=followee)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # The follow lists are the same for everyone: credentials are not read, so a stale
    # token does not get in the way (and /docs/ shows no padlock).
    @extend_schema(summary="A user's followers", responses=FOLLOW_LIST_RESPONSES)
    @action(detail=True, methods=["get"], authentication_classes=())
    def followers(self, request: Request, username: str) -> Response:
        """Who follows the user, the newest follow first."""
        return self._follow_list(username, selectors.follower_list, party="follower")

    @extend_schema(summary="Whom a user follows", responses=FOLLOW_LIST_RESPONSES)
    @action(detail=True, methods=["get"], authentication_classes=())
    def following(self, request: Request, username: str) -> Response:
        """Whom the user follows, the newest follow first."""
        return self._follow_list(username, selectors.following_list, party="followee")

    def _follow_list(self, username: str, follows_of, *, party: str) -> Response:
        """A page of ``follows_of(username=...)``, showing the ``party`` of each follow.

        The account is found inside the page's query (one query); only an empty page
        looks it up on its own, to tell an unknown user (404) from one without follows.
        """
        page = self.paginate_queryset(follows_of(username=username))
        if not page:
            user_get_by_username(username=username)
        return self.get_paginated_response([user_summary_row(row, party) for row in page])


@extend_schema(tags=["social"])
class PostViewSet(viewsets.GenericViewSet):
    """The feed of posts, a new post, one post."""

    serializer_class = PostSerializer
    lookup_field = "id"
    lookup_value_converter = "int"
    pagination_class = KeysetPagination
    ordering = NEWEST_FIRST
    page_size = 10

    def get_permissions(self) -> list:
        return [IsAuthenticated()] if self.action == "create" else [AllowAny()]

    @extend_schema(
        summary="The feed",
        parameters=[FeedFilterSerializer],
        responses={
            200: PostSerializer(many=True),
            400: error_response("An invalid filter value or cursor."),
            401: error_response(
                "scope=following or scope=mine without authentication.",
                error_body(401, "not_authenticated", "Log in to see the following feed."),
            ),
        },
    )
    def list(self, request: Request) -> Response:
        """The feed, newest first (or trending), 10 per page by default."""
        if request.META.get("QUERY_STRING", "") in FIRST_PAGE_QUERIES:
            # The first page as everyone sees it: cached (social/feed_cache.py).
            url = request.build_absolute_uri()
            return Response(feed_first_page_cached(url, lambda: self._feed_page(request).data))
        return self._feed_page(request)

    def _feed_page(self, request: Request) -> Response:
        values = FeedFilterSerializer.plain_values(request.query_params)
        if values is None:
            query = FeedFilterSerializer(data=request.query_params)
            query.is_valid(raise_exception=True)
            values = query.validated_data
        if values["scope"] != "all" and not request.user.is_authenticated:
            raise NotAuthenticated(f"Log in to see the {values['scope']} feed.")
        author = None
        if values.get("author"):
            author = user_get_for_field(username=values["author"], field="author")
        if values["sort"] == "trending":
            self.ordering = TRENDING_ORDERING
        filters = selectors.FeedFilters(
            scope=values["scope"],
            author=author,
            since=values.get("since"),
            until=values.get("until"),
            q=values.get("q", "").strip() or None,
        )
        page = self.paginate_queryset(selectors.feed_list(viewer=request.user, filters=filters))
        return self.get_paginated_response([post_data(post) for post in page])

    @extend_schema(
        summary="Publish a post, a repost or a quote",
        request=PostCreateSerializer,
        examples=POST_EXAMPLES,
        parameters=[RETRY_AFTER_HEADER],
        responses={
            201: PostSerializer,
            400: error_response(
                "Invalid text, or an unknown or wrong original.",
                error_body(
                    400,
                    "invalid",
                    "A repost cannot be reposted: repost its original instead.",
                    {"repost_of": ["This post is a repost."]},
                ),
            ),
            401: NOT_AUTHENTICATED,
            409: error_response(
                "You already reposted this post.",
                error_body(409, "already_reposted", "You have already reposted this post."),
            ),
            429: error_response(
                "5 posts today already (reposts and quotes included); the `Retry-After` "
                "header gives the seconds until midnight UTC.",
                error_body(
                    429,
                    "limit_reached",
                    "You can publish at most 5 posts a day (reposts and quotes included). "
                    "Try again after midnight UTC.",
                ),
            ),
        },
    )
    def create(self, request: Request) -> Response:
        """Publish a post `{content}`, a repost `{repost_of}` or a quote `{quote_of, content}`."""
        body = PostCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        if "repost_of" in values:
            post = services.post_repost(author=request.user, original_id=values["repost_of"])
        elif "quote_of" in values:
            post = services.post_quote(
                author=request.user, original_id=values["quote_of"], content=values["content"]
            )
        else:
            post = services.post_create(author=request.user, content=values["content"])
        created = selectors.post_get(post_id=post.pk)
        return Response(post_data(created), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="One post",
        responses={
            200: PostSerializer,
            404: error_response(
                "Unknown, or hidden by staff.",
                error_body(404, "not_found", "No post with this id."),
            ),
        },
    )
    def retrieve(self, request: Request, id: int) -> Response:
        """One post; 404 when unknown or hidden by staff."""
        post = selectors.post_get(post_id=id)
        if post is None:
            raise NotFound("No post with this id.")
        return Response(post_data(post))
