"""Demo follows and a few days of posts, reposts and quotes by the demo users."""

import json
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from social.models import Post
from social.services import follow_create, post_create, post_quote, post_repost
from users.models import User

DEMO_SOCIAL_FIXTURE = Path(__file__).parent / "fixtures" / "demo_social.json"

# (days ago, author, what): what is text, ("repost", index) or ("quote", index, text),
# the index pointing at an earlier entry. At most 5 entries per author and day.
DEMO_POSTS = [
    (3, "mate", "Just set up my profile here. Hello, world!"),
    (3, "sara", "Morning run by the lakes, 10 km before breakfast."),
    (2, "andras", "Does anyone know a good pizza place near the station?"),
    (2, "sara", ("repost", 2)),
    (2, "mate", ("quote", 2, "The one on the corner does a great margherita.")),
    (1, "lone", "Nobody follows me and that is fine."),
    (1, "andras", ("quote", 1, "Impressive! I managed 3 km.")),
    (1, "mate", ("repost", 1)),
    (0, "sara", "Reading about cursor pagination today. Keysets all the way down."),
    (0, "andras", ("repost", 8)),
]


@transaction.atomic
def seed_social(*, stdout) -> None:
    fixture = json.loads(DEMO_SOCIAL_FIXTURE.read_text())
    users_by_email = {user.email: user for user in User.objects.filter(email__isnull=False)}
    for follower_email, followee_email in fixture["follows_by_email"]:
        follow_create(
            follower=users_by_email[follower_email], followee=users_by_email[followee_email]
        )
    stdout.write(f"follows: {len(fixture['follows_by_email'])} between the demo users")

    users = {user.username: user for user in users_by_email.values()}
    if Post.objects.filter(author__in=users.values()).exists():
        stdout.write("posts: the demo users have posts already")
        return
    now = timezone.now()
    posts: list[Post] = []
    for days_ago, username, what in DEMO_POSTS:
        author = users[username]
        if isinstance(what, str):
            post = post_create(author=author, content=what)
        elif what[0] == "repost":
            post = post_repost(author=author, original_id=posts[what[1]].pk)
        else:
            post = post_quote(author=author, original_id=posts[what[1]].pk, content=what[2])
        # Backdated after publishing: the history spreads over the last days and takes
        # at most one of a demo user's posts of today, leaving the rest to try the API.
        created_at = now - timedelta(days=days_ago, minutes=len(DEMO_POSTS) - len(posts))
        Post.objects.filter(pk=post.pk).update(created_at=created_at)
        posts.append(post)
    stdout.write(f"posts: {len(posts)} posts, reposts and quotes over the last days")
