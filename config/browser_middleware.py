"""Sessions, session login and messages, for the pages a browser opens only.

The admin and the documentation pages need them. The API does not: its clients send
a bearer token, never a session cookie, so there is no session to load and no message
to keep. Django's own middleware, restricted here to requests outside the API, keeps
that work off the API's path; Django's admin checks accept these subclasses as its
middleware. (CSRF stays on every path: API views are exempt and it costs them little.)
"""

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest

# The API's paths (config/urls.py): everything a client with a token calls.
API_PATH_PREFIXES = ("/api/", "/hello/", "/health/")


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PATH_PREFIXES)


class _BrowserOnly:
    def __call__(self, request: HttpRequest):
        if is_api_request(request):
            return self.get_response(request)
        return super().__call__(request)


class BrowserSessionMiddleware(_BrowserOnly, SessionMiddleware):
    pass


class BrowserAuthenticationMiddleware(_BrowserOnly, AuthenticationMiddleware):
    pass


class BrowserMessageMiddleware(_BrowserOnly, MessageMiddleware):
    pass
