"""Imported for its side effect only (``AuthenticationConfig.ready``): defining the
extension registers it with drf-spectacular, which then describes our JWT
authentication as simplejwt's ``Bearer`` scheme."""

from django.conf import settings
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class JWTAuthenticationScheme(SimpleJWTScheme):
    """simplejwt's ``Bearer`` scheme, for our subclass of its authentication."""

    target_class = "authentication.jwt_authentication.JWTAuthentication"

    def get_security_definition(self, auto_schema):
        definition = super().get_security_definition(auto_schema)
        minutes = int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds() // 60)
        definition["description"] = (
            "The `access` token that `POST /api/auth/login` (or `/api/auth/signup`) answers. "
            'In "Authorize", paste the token alone: `Bearer ` is added for you. It lasts '
            f"{minutes} minutes; `POST /api/auth/refresh` with the `refresh` token gives a "
            "new pair."
        )
        return definition
