from django.urls import path
from rest_framework.routers import DynamicRoute, Route, SimpleRouter

from authentication import views


class AccountRouter(SimpleRouter):
    """djoser's account routes under the contract's paths: the account is created at
    ``signup`` rather than at the bare prefix, and has only list-level actions (it is
    always the caller's own, so no ``{lookup}`` routes)."""

    routes = [
        Route(
            url=r"^{prefix}/signup{trailing_slash}$",
            mapping={"post": "create"},
            name="{basename}-signup",
            detail=False,
            # The name DRF's OPTIONS answer showed before the viewset.
            initkwargs={"name": "Signup"},
        ),
        DynamicRoute(
            url=r"^{prefix}/{url_path}{trailing_slash}$",
            name="{basename}-{url_name}",
            detail=False,
            initkwargs={},
        ),
    ]


# No trailing slashes: the paths of the API contract.
router = AccountRouter(trailing_slash=False, use_regex_path=False)
router.register("", views.AccountViewSet, basename="auth")

# The token operations are not a resource: views beside the account's routes.
urlpatterns = [
    path("login", views.LoginView.as_view(), name="auth-login"),
    path("refresh", views.RefreshView.as_view(), name="auth-refresh"),
    path("logout", views.LogoutView.as_view(), name="auth-logout"),
    *router.urls,
]
