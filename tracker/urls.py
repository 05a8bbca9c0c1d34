from django.contrib import admin
from django.urls import include, path

from .health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/", include("commitments.api.urls")),
    path("", include("commitments.urls")),
    path("", include("commitments.subscription_urls")),
]
