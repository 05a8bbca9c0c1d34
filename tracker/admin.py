"""The admin site: Django's, with optional TOTP two-factor login.

A staff user who has a confirmed TOTP device must enter its code at login and is
refused by the admin until verified; one without a device logs in with a password
only. Give a monitor a device with `manage.py add_totp_device USERNAME`.
"""

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, user_has_device
from django_otp.admin import OTPAdminAuthenticationForm

from .audit import recent_changes


class OptionalOTPAuthenticationForm(OTPAdminAuthenticationForm):
    def clean(self):
        # AdminAuthenticationForm checks the password and staff status first.
        self.cleaned_data = super(OTPAdminAuthenticationForm, self).clean()
        user = self.get_user()
        if user is not None and user_has_device(user):
            self.clean_otp(user)
        return self.cleaned_data

    def _chosen_device(self, user):
        # Monitors normally have one authenticator: use it without asking them to pick.
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user))
            if len(devices) == 1:
                device = devices[0]
        return device


class TrackerAdminSite(AdminSite):
    site_header = _("Ceasefire Tracker — monitors")
    site_title = _("Ceasefire Tracker admin")
    index_title = _("Agreements, commitments and their evidence")
    login_form = OptionalOTPAuthenticationForm
    login_template = "otp/admin111/login.html"

    def has_permission(self, request) -> bool:
        user = request.user
        if not super().has_permission(request):
            return False
        return user.is_verified() or not user_has_device(user)

    def get_urls(self):
        return [path("audit/", self.admin_view(self.audit_log_view), name="audit_log"), *super().get_urls()]

    def audit_log_view(self, request):
        """The latest writes across the tracker, with who, when and the values before and after."""
        if not request.user.is_superuser:
            raise PermissionDenied
        context = {**self.each_context(request), "title": _("Audit log"), "entries": recent_changes()}
        return TemplateResponse(request, "admin/audit_log.html", context)
