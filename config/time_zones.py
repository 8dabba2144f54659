"""The admin shows times on the clock of the people who read it (``DJANGO_TIME_ZONE``).

Only the admin: the API answers in UTC whatever the setting (API.md), so the
middleware switches the zone for admin pages and leaves every other request on UTC.
"""

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix, reverse
from django.utils import timezone


class AdminTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        # The admin's path by script prefix: reversing it on every request was a tenth
        # of the CPU time of /health/live. The URLconf is not loaded yet here.
        self._admin_paths: dict[str, str] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(self._admin_path()):
            return self.get_response(request)
        with timezone.override(zoneinfo.ZoneInfo(settings.ADMIN_TIME_ZONE)):
            return self.get_response(request)

    def _admin_path(self) -> str:
        prefix = get_script_prefix()
        path = self._admin_paths.get(prefix)
        if path is None:
            path = self._admin_paths[prefix] = reverse("admin:index")
        return path
