"""The API's rate limit."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ApiRateThrottle(SimpleRateThrottle):
    """Limit each client (by address) to settings.API_THROTTLE_RATE requests, such as "120/minute".

    The rate is read on every request, so an empty setting turns the limit off.
    """

    scope = "api"

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATE or None

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
