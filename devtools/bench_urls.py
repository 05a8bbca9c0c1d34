"""The benchmark's URLconf: the site plus a bare view, the baseline (never mounted in production)."""

from django.http import HttpResponse
from django.urls import include, path


def bare_view(request):
    """The baseline: a constant answer through the same middleware as every page."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("__bench__/bare/", bare_view), path("", include("tracker.urls"))]
