"""Query parameters of the user list."""

import django_filters

from users.models import User
from users.selectors import user_list_search

SEARCH_MAX_LENGTH = 150


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        # Every word adds a condition: a bound keeps the query small (and within
        # SQLite's expression depth), and no name is longer than this.
        max_length=SEARCH_MAX_LENGTH,
        help_text=(
            f"Words (at most {SEARCH_MAX_LENGTH} characters in all), each a part of the "
            "username, first or last name, ignoring case."
        ),
    )
    user_type = django_filters.ChoiceFilter(choices=User.UserType.choices)

    class Meta:
        model = User
        fields = ["q", "user_type"]

    def filter_text(self, queryset, name: str, value: str):
        return user_list_search(queryset, text=value)
