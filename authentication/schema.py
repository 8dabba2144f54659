"""How the OpenAPI schema describes this app's bearer authentication."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class JWTAuthenticationScheme(SimpleJWTScheme):
    """simplejwt's ``Bearer`` scheme, for our subclass of its authentication."""

    target_class = "authentication.authentication.JWTAuthentication"
