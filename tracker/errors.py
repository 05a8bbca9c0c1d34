"""The site's error answers: pages in the site's look that say what to do next, and JSON in
the API's error shape (`{"detail": …}`) for any address under /api/ (tracker/urls.py sets
them as Django's handler400, handler403, handler404 and handler500)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def api_detail(status: int) -> str:
    return {
        400: _("Bad request."),
        403: _("You do not have permission to perform this action."),
        404: _("Not found."),
        429: _("Too many requests."),
        500: _("Server error: the problem has been logged. Try again in a few minutes."),
    }[status]


def error_response(request: HttpRequest, status: int, template_name: str | None = None) -> HttpResponse:
    """Return the error as JSON under /api/, else as the page `<status>.html`."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": api_detail(status)}, status=status)
    try:
        body = loader.render_to_string(template_name or f"{status}.html", request=request)
    except Exception:
        # The page itself failed (the error may be in what every page needs): still answer.
        logger.exception("The %s page could not be rendered", status)
        body = f"<!DOCTYPE html><title>{status}</title><p>{api_detail(status)}</p>"
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its valid CSRF token (settings.CSRF_FAILURE_VIEW)."""
    return error_response(request, 403, "403_csrf.html")
