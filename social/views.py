"""The social API: profiles, follows, follow lists and the feed of posts."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.errors import NotFound, error_response
from config.database_router import reads_from_primary
from social import profiles, selectors, services
from social.models import Follow
from social.pagination import KeysetPagination
from social.serializers import (
    FeedFilterSerializer,
    PostCreateSerializer,
    PostSerializer,
    ProfileSerializer,
    UserSummarySerializer,
)
from users.models import User
from users.selectors import user_get_by_username

USERNAME_PARAMETER = OpenApiParameter(
    "username", OpenApiTypes.STR, OpenApiParameter.PATH, description="Ignoring case."
)
NEWEST_FIRST = ("-created_at", "-id")
# Repost counts change, so a post can move between pages while a client pages through
# "trending"; the cursor still never repeats a position and costs one index range scan.
TRENDING_ORDERING = ("-repost_count", "-created_at", "-id")


class FeedPagination(KeysetPagination):
    page_size = 10


RETRY_AFTER_HEADER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429],
    description="Seconds until midnight UTC, when the daily limit starts again.",
)


def _followee_get(username: str) -> User:
    # A write must not fail on replica lag: someone who signed up a moment ago can be
    # followed at once, by anyone.
    with reads_from_primary():
        return user_get_by_username(username=username)


def _profile_response(*, user: User, viewer, status_code: int = 200) -> Response:
    is_following = selectors.follow_exists(follower=viewer, followee=user)
    serializer = ProfileSerializer(user, context={"is_following": is_following})
    return Response(serializer.data, status=status_code)


@extend_schema(tags=["social"], parameters=[USERNAME_PARAMETER])
class ProfileView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: ProfileSerializer, 404: error_response("Unknown user.")})
    def get(self, request: Request, username: str) -> Response:
        """A user's profile with their counters, and whether you follow them."""
        user = profiles.profile_user_get(username=username)
        return _profile_response(user=user, viewer=request.user)


@extend_schema(tags=["social"], parameters=[USERNAME_PARAMETER])
class FollowView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            201: OpenApiResponse(ProfileSerializer, description="Followed; their profile."),
            200: OpenApiResponse(ProfileSerializer, description="Already followed."),
            400: error_response("You cannot follow yourself."),
            401: error_response("Not authenticated."),
            404: error_response("Unknown user."),
        },
    )
    def post(self, request: Request, username: str) -> Response:
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
        responses={
            204: None,
            401: error_response("Not authenticated."),
            404: error_response("Unknown user."),
        }
    )
    def delete(self, request: Request, username: str) -> Response:
        """Stop following a user; also 204 when you did not follow them."""
        followee = _followee_get(username)
        services.follow_delete(follower=request.user, followee=followee)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _FollowListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = UserSummarySerializer
    pagination_class = KeysetPagination
    filter_backends = []
    ordering = NEWEST_FIRST
    party: str

    @extend_schema(
        responses={
            200: UserSummarySerializer(many=True),
            400: error_response("An invalid cursor."),
            404: error_response("Unknown user."),
        }
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args, **kwargs) -> Response:
        user = user_get_by_username(username=kwargs["username"])
        page = self.paginate_queryset(self.list_follows(user))
        users = [getattr(follow, self.party) for follow in page]
        return self.get_paginated_response(self.get_serializer(users, many=True).data)


@extend_schema(tags=["social"], parameters=[USERNAME_PARAMETER])
class FollowerListView(_FollowListView):
    """Who follows the user, the newest follow first."""

    party = "follower"

    def list_follows(self, user: User) -> QuerySet[Follow]:
        return selectors.follower_list(user=user)


@extend_schema(tags=["social"], parameters=[USERNAME_PARAMETER])
class FollowingListView(_FollowListView):
    """Whom the user follows, the newest follow first."""

    party = "followee"

    def list_follows(self, user: User) -> QuerySet[Follow]:
        return selectors.following_list(user=user)


@extend_schema(tags=["social"])
class PostListView(generics.ListCreateAPIView):
    serializer_class = PostSerializer
    # The API speaks JSON: a form-encoded post is a 415, not a second, undocumented format.
    parser_classes = [JSONParser]
    pagination_class = FeedPagination
    filter_backends = []
    ordering = NEWEST_FIRST

    def get_permissions(self) -> list:
        return [IsAuthenticated()] if self.request.method == "POST" else [AllowAny()]

    @extend_schema(
        parameters=[FeedFilterSerializer],
        responses={
            200: PostSerializer(many=True),
            400: error_response("An invalid filter value or cursor."),
            401: error_response("scope=following or scope=mine without authentication."),
        },
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        """The feed, newest first (or trending), 10 per page by default."""
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = FeedFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        if values["scope"] != "all" and not self.request.user.is_authenticated:
            raise NotAuthenticated(f"Log in to see the {values['scope']} feed.")
        author = None
        if values.get("author"):
            try:
                author = user_get_by_username(username=values["author"])
            except NotFound:
                raise ValidationError({"author": ["No user with this username."]}) from None
        if values["sort"] == "trending":
            self.ordering = TRENDING_ORDERING
        filters = selectors.FeedFilters(
            scope=values["scope"],
            author=author,
            since=values.get("since"),
            until=values.get("until"),
            q=values.get("q", "").strip() or None,
        )
        return selectors.feed_list(viewer=self.request.user, filters=filters)

    @extend_schema(
        request=PostCreateSerializer,
        parameters=[RETRY_AFTER_HEADER],
        responses={
            201: PostSerializer,
            400: error_response("Invalid text, or an unknown or wrong original."),
            401: error_response("Not authenticated."),
            409: error_response("You already reposted this post."),
            429: error_response(
                "5 posts today already (reposts and quotes included); the `Retry-After` "
                "header gives the seconds until midnight UTC."
            ),
        },
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
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
        return Response(PostSerializer(created).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["social"])
class PostDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: PostSerializer, 404: error_response("Unknown, or hidden by staff.")}
    )
    def get(self, request: Request, post_id: int) -> Response:
        """One post; 404 when unknown or hidden by staff."""
        post = selectors.post_get(post_id=post_id)
        if post is None:
            raise NotFound("No post with this id.")
        return Response(PostSerializer(post).data)
