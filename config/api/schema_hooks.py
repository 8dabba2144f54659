"""drf-spectacular post-processing of the schema: what the generated parts leave out."""


def allow_empty_query_values(result: dict, generator, request, public) -> dict:
    """An optional text query parameter may be sent empty: ``?until=`` reads as no ``until``.

    That is how the query serializers (they read a query as a form) treat an empty
    value, so ``?until=&sort=`` lists the whole feed instead of answering 400 for an
    empty date. OpenAPI says so with ``allowEmptyValue``; without it the schema calls
    such a request invalid, and it is not. Numbers are never empty: ``?page_size=`` is
    a 400.
    """
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if (
                    parameter.get("in") == "query"
                    and not parameter.get("required")
                    and parameter.get("schema", {}).get("type") == "string"
                ):
                    parameter["allowEmptyValue"] = True
    return result
