"""Imported for its side effect only (``AuthenticationConfig.ready``): defining the
extension registers it with drf-spectacular, which then describes our JWT
authentication as simplejwt's ``Bearer`` scheme."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class JWTAuthenticationScheme(SimpleJWTScheme):
    """simplejwt's ``Bearer`` scheme, for our subclass of its authentication."""

    target_class = "authentication.jwt_authentication.JWTAuthentication"
