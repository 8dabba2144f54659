"""Rows made directly, for reads; tests of counters publish through the services."""

import factory

from social.models import Follow, Post
from users.tests.factories import UserFactory


class FollowFactory(factory.django.DjangoModelFactory[Follow]):
    class Meta:
        model = Follow

    follower = factory.SubFactory(UserFactory)
    followee = factory.SubFactory(UserFactory)


class PostFactory(factory.django.DjangoModelFactory[Post]):
    class Meta:
        model = Post

    author = factory.SubFactory(UserFactory)
    kind = Post.Kind.POST
    content = factory.Faker("sentence")


class RepostFactory(PostFactory):
    kind = Post.Kind.REPOST
    content = None
    original = factory.SubFactory(PostFactory)


class QuoteFactory(PostFactory):
    kind = Post.Kind.QUOTE
    original = factory.SubFactory(PostFactory)
