"""The site's URLs plus views that fail on purpose, for the error-page tests (pytest.mark.urls)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from tracker.urls import handler400, handler403, handler404, handler500
from tracker.urls import urlpatterns as site_urlpatterns


def raise_an_error(request):
    raise RuntimeError("a bug")


def raise_permission_denied(request):
    raise PermissionDenied


def raise_suspicious_operation(request):
    raise SuspiciousOperation("a malformed request")


urlpatterns = [
    path("failing/500/", raise_an_error),
    path("failing/403/", raise_permission_denied),
    path("failing/400/", raise_suspicious_operation),
    path("api/failing/500/", raise_an_error),
    path("api/failing/403/", raise_permission_denied),
    *site_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
