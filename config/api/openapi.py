"""How /docs/ and /redoc/ present authentication (a drf-spectacular post-processing hook)."""


def present_security(result: dict, generator, request, public) -> dict:
    """No padlock on operations that take no credentials."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            # Only the empty requirement: anyone, credentials ignored. Swagger UI would
            # still draw a padlock for it; without the key it draws none.
            if isinstance(operation, dict) and operation.get("security") == [{}]:
                del operation["security"]
    return result
