"""Query parameters of the user list."""

import django_filters

from users.models import User
from users.selectors import user_list_search


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        help_text="Part of the username or of the name, ignoring case.",
    )
    user_type = django_filters.ChoiceFilter(choices=User.UserType.choices)

    class Meta:
        model = User
        fields = ["q", "user_type"]

    def filter_text(self, queryset, name: str, value: str):
        return user_list_search(queryset, text=value)
