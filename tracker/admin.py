"""The admin site: Django's, with optional TOTP two-factor login.

A staff user who has a confirmed TOTP device must enter its code at login and is
refused by the admin until verified; one without a device logs in with a password
only. Give a monitor a device with `manage.py add_totp_device USERNAME`.
"""

from functools import partial

from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import devices_for_user, user_has_device
from django_otp.admin import OTPAdminAuthenticationForm

from commitments.admin_review import chooser_label, review_queue

from .audit import recent_changes


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """The choosers' answers, each labelled as a monitor needs to recognise it (chooser_label():
    "Karabakh 2020 · point 6 · Return of the Kalbajar district")."""

    def serialize_result(self, obj, to_field_name):
        return {"id": str(getattr(obj, to_field_name)), "text": chooser_label(obj)}


def failed_attempts(request, username: str) -> int:
    """Return how many failed logins django-axes counts for this username from this address."""
    attempt = (
        AccessAttempt.objects.filter(username=username, ip_address=get_client_ip_address(request))
        .order_by("-attempt_time")
        .first()
    )
    return attempt.failures_since_start if attempt else 0


# Failed logins left before a lockout at which the login page starts to warn.
WARN_WHEN_ATTEMPTS_LEFT = 2


class OptionalOTPAuthenticationForm(OTPAdminAuthenticationForm):
    def clean(self):
        # AdminAuthenticationForm checks the password and staff status first.
        try:
            self.cleaned_data = super(OTPAdminAuthenticationForm, self).clean()
        except ValidationError as refused:
            self.warn_before_lockout(refused)
            raise
        user = self.get_user()
        if user is not None and user_has_device(user):
            self.clean_otp(user)
        return self.cleaned_data

    def warn_before_lockout(self, refused: ValidationError) -> None:
        """Say how many attempts are left when a lockout (django-axes) is two failures away or closer."""
        username = self.cleaned_data.get("username") or ""
        if not settings.AXES_ENABLED or not username or self.request is None:
            return
        left = settings.AXES_FAILURE_LIMIT - failed_attempts(self.request, username)
        if 0 < left <= WARN_WHEN_ATTEMPTS_LEFT:
            refused.error_list.append(
                ValidationError(
                    ngettext(
                        "%(left)d attempt left: after it this login is locked for %(minutes)d minutes.",
                        "%(left)d attempts left: after them this login is locked for %(minutes)d minutes.",
                        left,
                    )
                    % {"left": left, "minutes": cool_off_minutes(self.request)},
                    code="attempts_left",
                )
            )

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
        return [
            path("audit/", self.admin_view(self.audit_log_view), name="audit_log"),
            path("review/", self.admin_view(partial(review_queue, admin_site=self)), name="review_queue"),
            *super().get_urls(),
        ]

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

    def audit_log_view(self, request):
        """The latest writes across the tracker, with who, when and the values before and after."""
        if not request.user.is_superuser:
            raise PermissionDenied
        context = {**self.each_context(request), "title": _("Audit log"), "entries": recent_changes()}
        return TemplateResponse(request, "admin/audit_log.html", context)


def cool_off_minutes(request) -> int:
    """Return how long a lockout lasts, in minutes (AXES_COOLOFF_MINUTES)."""
    return round(get_cool_off(request).total_seconds() / 60)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout, as a page in the admin's look that says when to try again."""
    from django.contrib import admin

    username = get_client_username(request, credentials) or ""
    attempt = (
        AccessAttempt.objects.filter(username=username, ip_address=get_client_ip_address(request))
        .order_by("-attempt_time")
        .first()
    )
    cool_off = get_cool_off(request)
    until = (attempt.attempt_time if attempt else timezone.now()) + cool_off
    context = {
        **admin.site.each_context(request),
        "title": _("Too many failed logins"),
        "username": username,
        "until": until,
        "minutes": max(1, round((until - timezone.now()).total_seconds() / 60)),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return TemplateResponse(request, "admin/lockout.html", context, status=429).render()
