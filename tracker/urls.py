"""The root URLconf: it only mounts each app's URLs, and names the error handlers."""

from django.contrib import admin
from django.urls import include, path

from .health import healthz
from .static_files import favicon

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("api/", include("opendata.api.urls")),
    path("", include("opendata.urls")),
    path("", include("alerts.urls")),
    path("", include("dashboard.urls")),
]

handler400 = "tracker.errors.bad_request"
handler403 = "tracker.errors.permission_denied"
handler404 = "tracker.errors.page_not_found"
handler500 = "tracker.errors.server_error"
