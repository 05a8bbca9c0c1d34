"""The link check: fetch each source's web address and archived copy, record what was found.

One source at a time, each fetch bounded (settings.SOURCE_LINK_CHECK_TIMEOUT for every
network operation and for reading the page; at most SOURCE_SNAPSHOT_MAX_BYTES read),
with a user agent that says who is asking (SOURCE_LINK_CHECK_USER_AGENT). Redirects are
followed and the final address kept; a redirect to anything but http(s) is refused.
Python's standard library only (urllib).

A run takes each source with a conditional update of Source.links_checked_at (the
claim), so two runs at once never check the same source, and a source checked within
`older_than` is left alone: running the job twice records nothing twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from .models import Source, SourceCheck, link_check_outcome

WEB_SCHEMES = ("http", "https")
READ_CHUNK = 64 * 1024


class RefusedAddress(Exception):
    """An address the checker will not fetch: not http(s), or not loopback when only loopback is allowed."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(reason)
        self.url = url


@dataclass(frozen=True)
class Fetched:
    """What one fetch found: the last HTTP status, where redirects ended, why it failed, the content's hash."""

    final_url: str
    status_code: int | None = None
    error: str = ""
    content_sha256: str = ""


def is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def refuse_unless_fetchable(url: str, loopback_only: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        raise RefusedAddress(url, f"not a web address (http or https): {url}")
    if loopback_only and not is_loopback_host(parts.hostname):
        raise RefusedAddress(url, f"not fetched: only loopback addresses are checked here ({parts.hostname})")


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows http(s) redirects only (urllib would also follow ftp://), within the same limits."""

    def __init__(self, loopback_only: bool) -> None:
        self.loopback_only = loopback_only

    def http_error_302(self, req, fp, code, msg, headers):
        # Checked before urllib's own handling, which refuses other schemes with a bare HTTPError.
        location = headers.get("location") or headers.get("uri")
        if location:
            refuse_unless_fetchable(urljoin(req.full_url, location), self.loopback_only)
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        refuse_unless_fetchable(newurl, self.loopback_only)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(
    url: str,
    *,
    timeout: float,
    user_agent: str,
    max_bytes: int,
    loopback_only: bool = False,
) -> Fetched:
    """GET `url` following http(s) redirects and return what was found; never raises for network trouble.

    The content is hashed when read whole; a page larger than `max_bytes` is not read further
    (its hash is left empty, so it is never called "changed").
    """
    try:
        refuse_unless_fetchable(url, loopback_only)
    except RefusedAddress as refused:
        return Fetched(final_url="", error=str(refused))
    handlers = [_RedirectHandler(loopback_only)]
    if loopback_only:
        handlers.append(urllib.request.ProxyHandler({}))  # never send a loopback address through a proxy
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers={"User-Agent": user_agent, "Accept": "*/*"})
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            final_url, status = response.geturl(), response.status
            digest, size = hashlib.sha256(), 0
            while chunk := response.read(READ_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    return Fetched(final_url=final_url, status_code=status)
                if time.monotonic() > deadline:
                    raise TimeoutError(f"reading the page took longer than {timeout:g} s")
                digest.update(chunk)
            return Fetched(final_url=final_url, status_code=status, content_sha256=digest.hexdigest())
    except RefusedAddress as refused:
        return Fetched(final_url=refused.url, error=f"redirect refused: {refused}")
    except urllib.error.HTTPError as error:
        return Fetched(final_url=error.geturl() or url, status_code=error.code, error=_http_error(error))
    except urllib.error.URLError as error:
        return Fetched(final_url=url, error=_network_error(error.reason))
    except TimeoutError as error:
        return Fetched(final_url=url, error=_network_error(error))
    except (OSError, http.client.HTTPException, ValueError) as error:
        return Fetched(final_url=url, error=_network_error(error))


def _http_error(error: urllib.error.HTTPError) -> str:
    # Below 400: a redirect urllib gave up on (a loop, more than 10) or a 3xx it cannot follow.
    return f"HTTP {error.code} {error.reason}".strip()[:500]


def _network_error(reason) -> str:
    if isinstance(reason, TimeoutError):
        return f"timed out: {reason}" if str(reason) and str(reason) != "timed out" else "timed out"
    if isinstance(reason, socket.gaierror):
        return f"no such host ({reason.strerror or reason})"
    return f"{reason.__class__.__name__}: {reason}"[:500]


def check_source(source: Source, now: dt.datetime) -> list[SourceCheck]:
    """Fetch the source's web address and archived copy (those it has) and record one check of each."""
    options = {
        "timeout": settings.SOURCE_LINK_CHECK_TIMEOUT,
        "user_agent": settings.SOURCE_LINK_CHECK_USER_AGENT,
        "max_bytes": settings.SOURCE_SNAPSHOT_MAX_BYTES,
        "loopback_only": settings.SOURCE_LINK_CHECK_LOOPBACK_ONLY,
    }
    checks = []
    for link in SourceCheck.Link:
        address = source.link_address(link)
        if not address:
            continue
        fetched = fetch(address, **options)
        # Only the page itself is compared with its stored copy; an archive wraps it in its own page.
        snapshot = source.latest_snapshot() if link == SourceCheck.Link.URL else None
        outcome = link_check_outcome(
            requested_url=address,
            final_url=fetched.final_url,
            status_code=fetched.status_code,
            error=fetched.error,
            content_sha256=fetched.content_sha256,
            snapshot_sha256=snapshot.sha256 if snapshot else "",
        )
        checks.append(
            SourceCheck(
                source=source,
                link=link,
                url=address,
                checked_at=now,
                outcome=outcome,
                status_code=fetched.status_code,
                final_url=fetched.final_url if fetched.final_url != address else "",
                error=fetched.error[:500],
                content_sha256=fetched.content_sha256,
                compared_snapshot=snapshot,
            )
        )
    with transaction.atomic():
        for check in checks:
            check.save()
    return checks


@dataclass
class LinkCheckRun:
    checked: int = 0  # sources checked by this run
    gone_or_changed: int = 0  # of which a link was found gone or changed
    remaining: int = 0  # sources still due when the run stopped at its limit


def sources_due(now: dt.datetime, older_than: dt.timedelta):
    """Return the sources with a link whose last check started before `now - older_than` (or never)."""
    cutoff = now - older_than
    return (
        Source.objects.with_links()
        .filter(Q(links_checked_at__isnull=True) | Q(links_checked_at__lt=cutoff))
        .order_by("links_checked_at", "pk")
    )


def check_source_links(
    now: dt.datetime,
    *,
    older_than: dt.timedelta,
    source_ids: Iterable[int] | None = None,
    limit: int | None = None,
    on_checked=None,
) -> LinkCheckRun:
    """Check the links of every source due at `now` (last checked before `now - older_than`),
    or of the sources `source_ids` names (whenever they were last checked), one at a time.

    Stops after `limit` sources and reports how many remain due. `on_checked(source, checks)`
    is called after each source (the command prints progress).
    """
    run = LinkCheckRun()
    if source_ids is not None:
        candidates = Source.objects.with_links().filter(pk__in=list(source_ids)).order_by("pk")
    else:
        candidates = sources_due(now, older_than)
    due = list(candidates.values_list("pk", "links_checked_at"))
    for index, (pk, last_claim) in enumerate(due):
        if limit is not None and run.checked >= limit:
            run.remaining = len(due) - index
            break
        # The claim: only the run that moves links_checked_at from what it read checks the
        # source (filter(links_checked_at=None) is IS NULL).
        if not Source.objects.filter(pk=pk, links_checked_at=last_claim).update(links_checked_at=now):
            continue
        source = Source.objects.get(pk=pk)
        checks = check_source(source, now)
        run.checked += 1
        if source.is_link_gone_or_changed():
            run.gone_or_changed += 1
        if on_checked:
            on_checked(source, checks)
    return run
