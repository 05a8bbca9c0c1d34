"""With DEBUG off, pages name their stylesheet by the hashed names that `collectstatic` writes
to STATIC_ROOT/staticfiles.json. Without that manifest every page would be a 500, so the web
process refuses to start instead and says what to run (tracker/wsgi.py, tracker/asgi.py).
Also /favicon.ico, which browsers request whatever the page links."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import find, get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


def uncollected_static_files() -> list[str]:
    """Return the static files the pages may name that the manifest lacks (none without a manifest storage)."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return []
    collected = staticfiles_storage.hashed_files
    return sorted(
        path
        for finder in get_finders()
        for path, _storage in finder.list(["CVS", ".*", "*~"])
        if path.replace("\\", "/") not in collected
    )


def check_static_files_collected() -> None:
    """Raise ImproperlyConfigured, naming the command to run, when static files are not collected."""
    missing = uncollected_static_files()
    if missing:
        what = (
            f"{len(missing)} static files are missing from the manifest, such as {missing[0]}"
            if staticfiles_storage.hashed_files
            else f"static files are not collected (STATIC_ROOT {settings.STATIC_ROOT} has no manifest)"
        )
        raise ImproperlyConfigured(
            f"DEBUG is off and {what}, so every page would fail. Run `python manage.py collectstatic --no-input` "
            "(the Docker image does this when it is built), or set DEBUG=true for development."
        )


def favicon(request: HttpRequest) -> HttpResponse:
    """GET /favicon.ico: the icon browsers ask for by that name (pages link theirs in the head)."""
    # From the source folder (the finders), which every setup has, collected or not.
    response = HttpResponse(Path(find("tracker/favicon.ico")).read_bytes(), content_type="image/vnd.microsoft.icon")
    patch_cache_control(response, public=True, max_age=86400)
    return response
