"""The admin shows times on the clock of the people who read it (``DJANGO_TIME_ZONE``).

Only the admin: the API answers in UTC whatever the setting (API.md), so the
middleware switches the zone for admin pages and leaves every other request on UTC.
"""

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone


class AdminTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(reverse("admin:index")):
            return self.get_response(request)
        with timezone.override(zoneinfo.ZoneInfo(settings.ADMIN_TIME_ZONE)):
            return self.get_response(request)
