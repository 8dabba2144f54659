"""Anonymous orders per client IP: anyone may order without an account, and each
order is rows and a kitchen's time; a logged-in customer's orders are theirs."""

from config.api.throttling import IPThrottle


class AnonymousOrderIPThrottle(IPThrottle):
    scope = "order_ip"

    def get_cache_key(self, request, view) -> str | None:
        if request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)
