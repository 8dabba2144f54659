"""Shapes of the social API: profiles, follow lists, posts and the feed's filters."""

from datetime import UTC

from django.http import QueryDict
from drf_spectacular.utils import extend_schema_field

from config.api import serializers
from config.api.converters import BIGINT_MAX
from config.api.pagination import PAGE_SIZE_QUERY_PARAMETER
from config.api.timestamps import api_timestamp
from social.models import CONTENT_MAX_LENGTH, Post
from users.models import USERNAME_MAX_LENGTH, User


class UserSummarySerializer(serializers.ModelSerializer):
    """A user as lists and posts show them."""

    name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ("username", "name", "user_type")
        read_only_fields = fields


class ProfileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    date_joined_display = serializers.SerializerMethodField(
        help_text='The day the user joined, in UTC, e.g. "March 25, 2021".'
    )
    is_following = serializers.SerializerMethodField(
        help_text="Whether the caller follows this user; false when anonymous."
    )

    class Meta:
        model = User
        fields = (
            "username",
            "name",
            "user_type",
            "date_joined",
            "date_joined_display",
            "followers_count",
            "following_count",
            "posts_count",
            "is_following",
        )
        read_only_fields = fields

    def get_date_joined_display(self, user: User) -> str:
        return _joined_display(user)

    def get_is_following(self, user: User) -> bool:
        return bool(self.context.get("is_following", False))


def _joined_display(user: User) -> str:
    joined = user.date_joined.astimezone(UTC)
    return f"{joined:%B} {joined.day}, {joined.year}"


# The fields of a post, embedded or not; they differ only in how the original is given.
POST_FIELDS = ("id", "author", "kind", "content", "created_at", "repost_count", "quote_count")


class EmbeddedPostSerializer(serializers.ModelSerializer):
    """The original of a repost or quote. It is not nested further: ``original_id``
    points at its own original, if any, to fetch at ``/api/posts/{id}/``."""

    author = UserSummarySerializer(read_only=True)
    content = serializers.CharField(
        allow_null=True, read_only=True, help_text="The text; null for a repost."
    )

    class Meta:
        model = Post
        fields = (*POST_FIELDS, "original_id")
        read_only_fields = fields


class PostSerializer(EmbeddedPostSerializer):
    """A post of the feed: the embedded one's fields, with its original embedded."""

    original = serializers.SerializerMethodField(
        help_text="For a repost or quote, the post it points at (one level deep); null for a "
        "post, and for a quote whose original staff hid."
    )

    class Meta:
        model = Post
        fields = (*POST_FIELDS, "original")
        read_only_fields = fields

    @extend_schema_field(EmbeddedPostSerializer(allow_null=True))
    def get_original(self, post: Post) -> dict | None:
        if post.original is None or post.original.hidden:
            return None
        return EmbeddedPostSerializer(post.original).data


# The hottest read shapes, written out: the same JSON as the serializers above (which
# document it in the schema; social/tests/test_serializers.py holds them equal) at a
# fraction of the cost. DRF builds and runs a field object per value, and a nested
# serializer per embedded post: 40% of a feed page's CPU time.


def user_summary_data(user: User) -> dict:
    """``UserSummarySerializer(user).data``."""
    return {"username": user.username, "name": user.name, "user_type": user.user_type}


def user_summary_row(row: dict, party: str) -> dict:
    """``user_summary_data`` of the ``party`` of a follow list's row, whose columns are
    named ``<party>__<column>`` (``social.selectors.follower_list``)."""
    first_name, last_name = row[f"{party}__first_name"], row[f"{party}__last_name"]
    return {
        "username": row[f"{party}__username"],
        # User.get_full_name, as UserSummarySerializer shows it.
        "name": f"{first_name} {last_name}".strip(),
        "user_type": row[f"{party}__user_type"],
    }


def profile_data(user: User, *, is_following: bool) -> dict:
    """``ProfileSerializer(user, context={"is_following": ...}).data``."""
    return {
        **user_summary_data(user),
        "date_joined": api_timestamp(user.date_joined),
        "date_joined_display": _joined_display(user),
        "followers_count": user.followers_count,
        "following_count": user.following_count,
        "posts_count": user.posts_count,
        "is_following": is_following,
    }


def _post_fields(post: Post) -> dict:
    return {
        "id": post.id,
        "author": user_summary_data(post.author),
        "kind": post.kind,
        "content": post.content,
        "created_at": api_timestamp(post.created_at),
        "repost_count": post.repost_count,
        "quote_count": post.quote_count,
    }


def post_data(post: Post) -> dict:
    """``PostSerializer(post).data``, for a post read with its original and authors."""
    original = post.original
    if original is None or original.hidden:
        return {**_post_fields(post), "original": None}
    return {
        **_post_fields(post),
        "original": {**_post_fields(original), "original_id": original.original_id},
    }


class PostCreateSerializer(serializers.Serializer):
    """One of ``{content}``, ``{repost_of}`` or ``{quote_of, content}``."""

    content = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"1 to {CONTENT_MAX_LENGTH} characters, not only spaces; "
        "for a post or a quote, never for a repost.",
    )
    repost_of = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=BIGINT_MAX,
        help_text="The id of the post or quote to repost.",
    )
    quote_of = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=BIGINT_MAX,
        help_text="The id of the post or repost to quote.",
    )

    def validate(self, attrs: dict) -> dict:
        if "repost_of" in attrs and "quote_of" in attrs:
            raise serializers.ValidationError("Send either repost_of or quote_of, not both.")
        if "repost_of" in attrs and "content" in attrs:
            raise serializers.ValidationError(
                {"content": ["A repost has no text: send quote_of to quote the post."]}
            )
        if "repost_of" not in attrs and "content" not in attrs:
            raise serializers.ValidationError({"content": ["This field is required."]})
        return attrs


FEED_SCOPES = ("all", "following", "mine")
FEED_SORTS = ("latest", "trending")


class FeedFilterSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=FEED_SCOPES,
        default="all",
        help_text="all: everyone; following: the users you follow; mine: your own posts "
        "(following and mine need authentication).",
    )
    author = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=USERNAME_MAX_LENGTH,
        help_text="Only this user's posts (username, ignoring case; an unknown one is a 400); "
        "empty: everyone's.",
    )
    since = serializers.DateField(
        required=False, help_text="Posts from this UTC day on (YYYY-MM-DD)."
    )
    until = serializers.DateField(
        required=False, help_text="Posts up to this UTC day, included (YYYY-MM-DD)."
    )
    sort = serializers.ChoiceField(
        choices=FEED_SORTS,
        default="latest",
        help_text="latest: newest first; trending: most reposts first, then newest.",
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Posts and quotes whose own text contains this, ignoring case; never reposts.",
    )

    # A query of nothing but these (the pagination's own and valid scope and sort) is
    # the most common feed request; ``plain_values`` reads it without the serializer.
    PLAIN_QUERY_PARAMETERS = frozenset({"scope", "sort", "cursor", PAGE_SIZE_QUERY_PARAMETER})

    @classmethod
    def plain_values(cls, query: QueryDict) -> dict | None:
        """The ``validated_data`` of a query holding nothing but valid ``scope`` and
        ``sort`` values and the pagination's parameters, without building and running
        the serializer's fields (a tenth of the CPU time of a following feed page);
        ``None`` for any other query, which the serializer reads."""
        if not cls.PLAIN_QUERY_PARAMETERS.issuperset(query):
            return None
        scope, sort = query.get("scope", "all"), query.get("sort", "latest")
        if scope not in FEED_SCOPES or sort not in FEED_SORTS:
            return None
        return {"scope": scope, "sort": sort}

    def validate(self, attrs: dict) -> dict:
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since > until:
            raise serializers.ValidationError({"until": ["Must not be before since."]})
        return attrs
