"""Public alert subscriptions: subscribe (double opt-in), confirm, unsubscribe.

Links in emails are fetched by mail scanners, so neither confirming nor
unsubscribing happens on GET: GET shows a button, POST acts.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from commitments.models import Agreement, Commitment, Party

from . import subscriptions, tokens, webhooks


class SubscribeForm(forms.Form):
    email = forms.EmailField(label="Your email address")
    agreements = forms.ModelMultipleChoiceField(
        queryset=Agreement.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    parties = forms.ModelMultipleChoiceField(
        queryset=Party.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        choices=Commitment.Category.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


def client_address(request: HttpRequest) -> str:
    """Return the client's address for the rate limit.

    A forwarding header is whatever the client says unless our own proxy sets it, so it is
    read only when settings.ALERTS_CLIENT_IP_HEADER names it; the proxy appends last.
    """
    if settings.ALERTS_CLIENT_IP_HEADER:
        forwarded = request.headers.get(settings.ALERTS_CLIENT_IP_HEADER, "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


class WebhookForm(SubscribeForm):
    url = forms.URLField(
        label="Endpoint URL (https)",
        max_length=2000,
        assume_scheme="https",
        validators=[webhooks.validate_webhook_url],
    )
    email = forms.EmailField(label="Owner's email address (for the confirmation link)")

    field_order = ["url", "email", "agreements", "parties", "categories"]


def link_invalid(request: HttpRequest) -> HttpResponse:
    valid_days = max(settings.ALERTS_CONFIRM_MAX_AGE // 86400, 1)
    return render(request, "alerts/subscriptions/link_invalid.html", {"valid_days": valid_days}, status=400)


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST or None)
    if request.method == "POST":
        now = timezone.now()
        client = client_address(request)
        if subscriptions.subscribe_is_rate_limited(client, now):
            return render(request, "alerts/subscriptions/rate_limited.html", status=429)
        if form.is_valid():
            subscriptions.request_subscription(
                form.cleaned_data["email"],
                agreements=list(form.cleaned_data["agreements"]),
                parties=list(form.cleaned_data["parties"]),
                categories=form.cleaned_data["categories"],
                client=client,
                now=now,
            )
            # The same answer whether the address is new, already subscribed or asked too often.
            return render(request, "alerts/subscriptions/check_inbox.html")
    return render(request, "alerts/subscriptions/subscribe.html", {"form": form})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        choices, issued_at = tokens.read_confirmation(token)
    except signing.BadSignature:  # forged, or expired (SignatureExpired is a subclass)
        return link_invalid(request)
    if "webhook_url" in choices:
        return link_invalid(request)
    if request.method == "POST":
        try:
            subscriber = subscriptions.confirm_subscription(choices, issued_at, timezone.now())
        except subscriptions.UnsubscribedSinceLinkWasSent:
            context = {"next_url": "alerts:subscribe"}
            return render(request, "alerts/subscriptions/unsubscribed_since.html", context, status=409)
        return render(request, "alerts/subscriptions/confirmed.html", {"subscriber": subscriber})
    return render(request, "alerts/subscriptions/confirm.html", {"email": choices["email"]})


@require_http_methods(["GET", "POST"])
def webhook_register(request: HttpRequest) -> HttpResponse:
    """Register a webhook endpoint: the same double opt-in as email alerts, by its owner's address."""
    form = WebhookForm(request.POST or None)
    if request.method == "POST":
        now = timezone.now()
        client = client_address(request)
        if subscriptions.subscribe_is_rate_limited(client, now):
            return render(request, "alerts/subscriptions/rate_limited.html", status=429)
        if form.is_valid():
            subscriptions.request_subscription(
                form.cleaned_data["email"],
                agreements=list(form.cleaned_data["agreements"]),
                parties=list(form.cleaned_data["parties"]),
                categories=form.cleaned_data["categories"],
                client=client,
                now=now,
                webhook_url=form.cleaned_data["url"],
            )
            return render(request, "alerts/subscriptions/check_inbox.html")
    return render(request, "alerts/subscriptions/webhook_register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def webhook_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        choices, issued_at = tokens.read_confirmation(token)
    except signing.BadSignature:
        return link_invalid(request)
    if "webhook_url" not in choices:
        return link_invalid(request)
    if request.method == "POST":
        try:
            endpoint = subscriptions.register_webhook(choices, token, issued_at, timezone.now())
        except subscriptions.UnsubscribedSinceLinkWasSent:
            context = {"next_url": "alerts:webhook_register"}
            return render(request, "alerts/subscriptions/unsubscribed_since.html", context, status=409)
        except webhooks.UnsafeWebhookURL as error:
            context = {"error": " ".join(error.messages)}
            return render(request, "alerts/subscriptions/webhook_refused.html", context, status=400)
        context = {"endpoint": endpoint}
        if endpoint:
            remove = tokens.unsubscribe_token("endpoint", endpoint.pk)
            context["remove_url"] = settings.SITE_URL + reverse("alerts:unsubscribe", args=[remove])
        response = render(request, "alerts/subscriptions/webhook_registered.html", context)
        response["Cache-Control"] = "no-store"  # the page shows the secret
        return response
    return render(request, "alerts/subscriptions/webhook_confirm.html", {"url": choices["webhook_url"]})


@csrf_exempt  # RFC 8058: the mail provider POSTs without a CSRF token; the signed link is the credential
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        kind, pk = tokens.read_unsubscribe(token)
    except (signing.BadSignature, ValueError, TypeError):
        return render(request, "alerts/subscriptions/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        subscriptions.unsubscribe(kind, pk, timezone.now())
        return render(request, "alerts/subscriptions/unsubscribed.html", {"kind": kind})
    return render(request, "alerts/subscriptions/unsubscribe.html", {"kind": kind})
