"""The negotiation's shortcut answers exactly as DRF's own negotiation does."""

import pytest
from django.http import Http404
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer, StaticHTMLRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from config.api.negotiation import ContentNegotiation

RENDERER_LISTS = [
    [JSONRenderer()],
    [JSONRenderer(), BrowsableAPIRenderer()],
    [StaticHTMLRenderer(), JSONRenderer()],
]


def _answer(negotiation, accept: str | None, query: str, renderers, format_suffix):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get(f"/api/users/{query}", **headers))
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers, format_suffix)
    except NotAcceptable:
        return "406"
    except Http404:  # a format no renderer has
        return "404"
    return type(renderer), media_type


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        "text/html",
        "application/json; indent=4",
        "application/xml",
        "text/html, */*;q=0.8",
        "",
    ],
)
@pytest.mark.parametrize("query", ["", "?format=json", "?format=api", "?q=x"])
@pytest.mark.parametrize("renderers", RENDERER_LISTS)
@pytest.mark.parametrize("format_suffix", [None, "json"])
def test_every_accept_header_and_format_gets_the_renderer_drf_would_choose(
    accept, query, renderers, format_suffix
):
    assert _answer(ContentNegotiation(), accept, query, renderers, format_suffix) == _answer(
        DefaultContentNegotiation(), accept, query, renderers, format_suffix
    )
