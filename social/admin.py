from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from social.models import Follow, Post
from social.services import post_set_hidden


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("follower", "followee", "created_at")
    list_select_related = ("follower", "followee")
    list_filter = ("created_at",)
    search_fields = ("follower__username", "followee__username")
    date_hierarchy = "created_at"
    readonly_fields = ("follower", "followee", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Follows are made through the API, whose service keeps the counters.
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "author",
        "kind",
        "short_content",
        "created_at",
        "repost_count",
        "quote_count",
        "hidden",
    )
    list_select_related = ("author",)
    list_filter = ("kind", "hidden", "created_at", ("author", admin.RelatedOnlyFieldListFilter))
    search_fields = ("content", "author__username")
    date_hierarchy = "created_at"
    fields = (
        "author",
        "kind",
        "content",
        "original",
        "created_at",
        "repost_count",
        "quote_count",
        "hidden",
    )
    # Staff moderate, they do not edit: "hidden" is the one field they change.
    readonly_fields = tuple(field for field in fields if field != "hidden")
    actions = ("hide_posts", "show_posts")

    @admin.display(description="content")
    def short_content(self, post: Post) -> str:
        text = post.content or ""
        return text if len(text) <= 60 else f"{text[:59]}…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Posts are published through the API, which enforces the rules and the daily limit.
        return False

    def save_model(self, request: HttpRequest, obj: Post, form, change: bool) -> None:
        # Only "hidden" is editable, and hiding moves counters: the service does both.
        post_set_hidden(post=obj, hidden=obj.hidden)

    @admin.action(description="Hide the selected posts from every feed")
    def hide_posts(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        changed = sum(post_set_hidden(post=post, hidden=True) for post in queryset)
        self.message_user(request, f"{changed} post(s) hidden.", messages.SUCCESS)

    @admin.action(description="Show the selected posts again")
    def show_posts(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        changed = sum(post_set_hidden(post=post, hidden=False) for post in queryset)
        self.message_user(request, f"{changed} post(s) shown again.", messages.SUCCESS)
