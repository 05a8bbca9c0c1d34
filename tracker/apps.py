from django.contrib.admin.apps import AdminConfig


class TrackerAdminConfig(AdminConfig):
    """django.contrib.admin, with the tracker's admin site as the default site."""

    default_site = "tracker.admin.TrackerAdminSite"
