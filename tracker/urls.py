"""The root URLconf: it only mounts each app's URLs."""

from django.contrib import admin
from django.urls import include, path

from .health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/", include("opendata.api.urls")),
    path("", include("opendata.urls")),
    path("", include("alerts.urls")),
    path("", include("dashboard.urls")),
]
