"""The project's URLs: each app owns its routes; config adds the platform ones."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from config import health, metrics
from config.api.errors import page_not_found

handler400 = "config.api.errors.bad_request"
handler403 = "config.api.errors.permission_denied"
handler404 = "config.api.errors.page_not_found"
handler500 = "config.api.errors.server_error"

PAGE_METHODS = ["get", "head"]

urlpatterns = [
    # First: the most requested route, matched before a dozen others are tried.
    path("hello/", include("users.greeting_urls")),
    path("admin/", admin.site.urls),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("metrics", metrics.metrics, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The documentation pages are pages: GET only (DRF's OPTIONS metadata answer has no
    # template to render them with).
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="schema", http_method_names=PAGE_METHODS),
        name="docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(
            url_name="schema", template_name="config/redoc.html", http_method_names=PAGE_METHODS
        ),
        name="redoc",
    ),
    path("api/auth/", include("authentication.urls")),
    path("api/", include("users.urls")),
    path("api/", include("social.urls")),
    path("api/", include("orders.urls")),
    path("api/", include("records.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Unknown API paths answer the JSON error too, even with DEBUG on (no HTML page,
# no trailing-slash redirect, also for "/hello" itself); a PUT or POST there is a 404,
# not a CSRF failure.
urlpatterns += [re_path(r"^(?:api|hello)(?:/|$)", csrf_exempt(page_not_found))]
