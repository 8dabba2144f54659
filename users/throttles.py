"""Greetings set per client IP: ``PUT /hello/<name>`` creates an account for a free
name, and anyone may call it."""

from config.api.throttling import IPThrottle


class GreetingIPThrottle(IPThrottle):
    scope = "hello_ip"

    def get_cache_key(self, request, view) -> str | None:
        if request.method != "PUT":
            return None  # reading a greeting costs nothing
        return super().get_cache_key(request, view)
