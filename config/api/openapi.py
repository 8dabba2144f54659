"""How /docs/ and /redoc/ present authentication (a drf-spectacular post-processing hook)."""

SESSION_DESCRIPTION = (
    "The session of the admin: log in at `/admin/` in this browser and these pages send "
    "its cookie (with the CSRF token) by themselves. API clients use `jwtAuth`."
)


def present_security(result: dict, generator, request, public) -> dict:
    """No padlock on operations that take no credentials; the session scheme explained."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            # Only the empty requirement: anyone, credentials ignored. Swagger UI would
            # still draw a padlock for it; without the key it draws none.
            if isinstance(operation, dict) and operation.get("security") == [{}]:
                del operation["security"]
    schemes = result.get("components", {}).get("securitySchemes", {})
    if "cookieAuth" in schemes:
        schemes["cookieAuth"]["description"] = SESSION_DESCRIPTION
    return result
