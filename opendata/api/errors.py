"""One shape for every error the API answers (the schema's `Error`):
`{"detail": "…", "errors": {"parameter": ["…"]}}`, `errors` only on a 400."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler (status, headers such as Retry-After), with the body in the API's error shape."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django's handler500 answers (JSON under /api/)
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": _("Invalid query parameters; see errors."), "errors": errors_by_name(exc.detail)}
    else:  # DRF's own errors, and Http404 turned into a NotFound
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        response.data = {"detail": str(detail or response.status_text)}
    return response


def errors_by_name(detail) -> dict[str, list[str]]:
    """Return a ValidationError's messages as {parameter: [message, …]}."""
    if isinstance(detail, dict):
        return {str(name): [str(message) for message in flatten(messages)] for name, messages in detail.items()}
    return {"non_field_errors": [str(message) for message in flatten(detail)]}


def flatten(messages) -> list:
    if isinstance(messages, list | tuple):
        return [message for item in messages for message in flatten(item)]
    if isinstance(messages, dict):
        return [message for item in messages.values() for message in flatten(item)]
    return [messages]
