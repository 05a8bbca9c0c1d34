from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Ceasefire Tracker — monitors"
admin.site.site_title = "Ceasefire Tracker admin"
admin.site.index_title = "Agreements, commitments and their evidence"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("commitments.urls")),
    path("", include("commitments.subscription_urls")),
]
