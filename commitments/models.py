"""The tracker's domain: agreements, their provisions and commitments, and the
evidence-backed history of what happened to each commitment.

Facts are stored (dates, status updates, deadline changes, claims); states such
as "overdue", "fulfilled late" and "disputed" are derived here, once, in two
forms that tests prove agree: a method for one row and a QuerySet method for many.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import connection, models, transaction
from django.db.models import Case, Count, Exists, F, Max, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, Greatest, NullIf, TruncWeek
from django.urls import reverse
from django.utils import dateformat, formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history import register as register_history
from simple_history.models import HistoricalRecords

from .acled import (
    SUB_EVENT_TYPES,
    EventType,
    GeoPrecision,
    SubEventType,
    TimePrecision,
    disorder_type,
    sub_event_type_fits,
)

# A claim conflicts with another when both speak of the same commitment within
# this many days and take different positions (7 Dec 2020: Lavrov vs Ayvazian).
# Claims further apart describe a change over time, not a dispute.
DISPUTE_WINDOW = dt.timedelta(days=30)


def due_soon_window() -> dt.timedelta:
    """Return how far ahead "due soon" looks: settings.DUE_SOON_DAYS."""
    return dt.timedelta(days=settings.DUE_SOON_DAYS)


def end_of_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """Return the instant a calendar day ends in `tz` (midnight starting the next day).

    The one place the tracker says when a deadline day ends: "by 20 Nov 2020" in an
    agreement that counts in Moscow time ends at 2020-11-20T21:00:00Z.
    """
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def state_change_time() -> dt.datetime:
    """Return the time of a write that changes a commitment's deadline state (Commitment.state_changed_at).

    Like auto_now, a record of when the write happened, not a rule that depends on time: the one
    place the domain reads the clock. The flagging job compares it with its own `now`, which its
    task and command read from the same clock."""
    return timezone.now()


def local_date(moment: dt.datetime, tz: ZoneInfo) -> dt.date:
    """Return the calendar date of an aware `moment` in `tz`."""
    return moment.astimezone(tz).date()


def add_months(day: dt.date, months: int) -> dt.date:
    """Return `day` moved by whole months, clamped to the month's last day (31 Aug + 6 = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(value)s is not a known IANA time zone, such as Europe/Moscow."),
            params={"value": value},
        ) from None


# Only web addresses a reader can open: no javascript:, ftp:, file: and the like.
validate_web_url = URLValidator(
    schemes=["http", "https"], message=_("Enter a web address that starts with http:// or https://.")
)


class Support(models.TextChoices):
    """How well an assessment is supported (StatusUpdate.support())."""

    ONE_SOURCE = "one_source", _("One source")
    CORROBORATED = "corroborated", _("Corroborated by independent sources")
    PARTY_SOURCES_ONLY = "party_sources_only", _("Party sources only")
    NONE = "none", _("No source")


class DatePrecision(models.TextChoices):
    """How much of a stored date is known: a source that prints only "September 2023" is
    stored as 2023-09-01 with MONTH, and everything dated from it says only the month."""

    DAY = "day", _("Exact day")
    MONTH = "month", _("Month only")
    YEAR = "year", _("Year only")


# Finest first: a record may be dated as precisely as the most precise of its sources, no more.
_PRECISION_RANK = {DatePrecision.DAY: 0, DatePrecision.MONTH: 1, DatePrecision.YEAR: 2}


def finest_precision(precisions: Iterable[str]) -> str:
    """Return the finest of `precisions` (DAY when there are none): how precisely a record
    resting on sources of these precisions may be dated."""
    return min(precisions, key=lambda precision: _PRECISION_RANK[precision], default=DatePrecision.DAY)


def is_finer(precision: str, than: str) -> bool:
    """Return True if `precision` says more than `than` (DAY is finer than MONTH)."""
    return _PRECISION_RANK[precision or DatePrecision.DAY] < _PRECISION_RANK[than or DatePrecision.DAY]


def truncate_date(day: dt.date, precision: str) -> dt.date:
    """Return the first day of the period `day` stands for at `precision` (its month, its year)."""
    if precision == DatePrecision.MONTH:
        return day.replace(day=1)
    if precision == DatePrecision.YEAR:
        return day.replace(month=1, day=1)
    return day


def assigned(instance: models.Model, name: str) -> models.Model | None:
    """Return the object assigned to the foreign key `name` of `instance`, saved or not yet saved (a
    source added on a record page is saved with the entry), or None."""
    if getattr(instance, f"{name}_id") is not None:
        return getattr(instance, name)
    return instance._meta.get_field(name).get_cached_value(instance, default=None)


def first_words(text: str, limit: int = 60) -> str:
    """Return the start of `text`, cut at a word and marked with … when longer than `limit` characters."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def format_date(day: dt.date | None, precision: str = DatePrecision.DAY) -> str:
    """Return `day` in the active language, only as precisely as `precision` allows:
    "Dec. 7, 2020", "September 2023", "2023". The one display helper for dated records
    (pages, feeds, calendars, emails); iso_date() is its machine-readable twin."""
    if day is None:
        return ""
    if precision == DatePrecision.YEAR:
        return _date_format(day, "Y")
    if precision == DatePrecision.MONTH:
        return _date_format(day, "YEAR_MONTH_FORMAT")
    return _date_format(day, "DATE_FORMAT")


def _date_format(day: dt.date, format_name: str) -> str:
    """Return formats.date_format(day, format_name), remembered per process by the format in force
    and the active language: a commitment's history formats some fifty dates, each 15 µs afresh."""
    return _formatted(day, formats.get_format(format_name), translation.get_language())


@functools.lru_cache(maxsize=4096)
def _formatted(day: dt.date, format_string: str, language: str | None) -> str:
    return dateformat.format(day, format_string)


def iso_date(day: dt.date | None, precision: str = DatePrecision.DAY) -> str:
    """Return `day` in ISO 8601 at `precision`: 2020-12-07, 2023-09 or 2023 (exports)."""
    if day is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{day:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{day:%Y-%m}"
    return day.isoformat()


class PartyQuerySet(models.QuerySet):
    def menu(self) -> list[tuple[str, str]]:
        """Return (slug, name as str() gives it) of these parties, read without building a model
        per party: the menus that offer hundreds of them."""
        return list(self.values_list("slug", Coalesce(NullIf("short_name", Value("")), "name")))

    def responsible_for_commitments(self) -> PartyQuerySet:
        """Return the parties responsible for at least one commitment: an index lookup per party,
        where a DISTINCT over the join to the commitments read every responsibility."""
        return self.filter(Exists(Commitment.responsible_parties.through.objects.filter(party=OuterRef("pk"))))


class Party(models.Model):
    """Someone who signs or must act: a state, a leader's office, a contingent, an international body."""

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        LEADER_OFFICE = "leader_office", _("Leader's office")
        PEACEKEEPING_CONTINGENT = "peacekeeping_contingent", _("Peacekeeping contingent")
        INTERNATIONAL_BODY = "international_body", _("International body")
        STATE_AGENCY = "state_agency", _("State agency")
        ARMED_GROUP = "armed_group", _("Armed group")
        OTHER = "other", _("Other")

    slug = models.SlugField(unique=True, help_text=_("Short stable identifier, used in seed files and URLs."))
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=80, blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)

    history = HistoricalRecords()

    objects = PartyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"

    def __str__(self) -> str:
        return self.short_name or self.name

    def chooser_label(self) -> str:
        """Return the party as choosers show it: full name, short name and kind, so that the state
        ("Republic of Azerbaijan (Azerbaijan) — State") is never mistaken for its leader's office."""
        name = f"{self.name} ({self.short_name})" if self.short_name and self.short_name != self.name else self.name
        return f"{name} — {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("dashboard:party_detail", args=[self.slug])

    def scorecard(self, now: dt.datetime) -> Scorecard:
        """Return the party's scorecard at `now`: each figure from its one QuerySet method (the
        methodology page explains them)."""
        commitments = Commitment.objects.for_party(self)
        on_time, due = commitments.on_time_rate(now)
        late = commitments.days_late_summary()
        claims = Claim.objects.by_party(self)
        return Scorecard(
            responsible=commitments.count(),
            due=due,
            on_time=on_time,
            fulfilled_late=late.count,
            mean_days_late=late.mean,
            worst_days_late=late.worst,
            overdue=commitments.overdue(now).count(),
            extensions_requested=DeadlineChange.objects.requested_by_party(self).count(),
            claims=claims.count(),
            claims_disputed=claims.conflicting().count(),
            claims_contested=claims.contesting().count(),
            incidents_alleged_by=Incident.objects.alleged_by_party(self).count(),
            incidents_alleged_against=Incident.objects.alleged_against_party(self).count(),
        )


def site_of(url: str) -> str:
    """Return the host a web address is on, without "www." ("" for text that is not a web address)."""
    host = urlsplit((url or "").strip()).hostname or ""
    return host.removeprefix("www.")


@dataclass(frozen=True)
class DaysLate:
    """How late a set of commitments were fulfilled (CommitmentQuerySet.days_late_summary)."""

    count: int
    mean: float | None
    worst: int | None


@dataclass(frozen=True)
class Scorecard:
    """A party's record across agreements (Party.scorecard)."""

    responsible: int
    due: int  # dated commitments whose deadline in force has passed
    on_time: int  # of those, fulfilled by the deadline in force
    fulfilled_late: int
    mean_days_late: float | None
    worst_days_late: int | None
    overdue: int
    extensions_requested: int
    claims: int
    claims_disputed: int
    claims_contested: int
    incidents_alleged_by: int  # published incidents it alleges (the incident log)
    incidents_alleged_against: int  # …and alleged against it

    @property
    def on_time_rate(self) -> float | None:
        """Return the share of due dated commitments fulfilled on time (None when none is due yet)."""
        return self.on_time / self.due if self.due else None


class SourceQuerySet(models.QuerySet):
    def from_site(self, url: str) -> SourceQuerySet:
        """Return the sources whose web address is on the same site as `url` (the record pages
        suggest the publisher, language and kind that earlier sources of that site were given)."""
        host = site_of(url)
        if not host:
            return self.none()
        on_site = Q()
        for prefix in (f"https://{host}/", f"http://{host}/", f"https://www.{host}/", f"http://www.{host}/"):
            on_site |= Q(url__istartswith=prefix)
        return self.filter(on_site)

    def with_links(self) -> SourceQuerySet:
        """Return the sources that have a web address or an archived copy to check."""
        return self.exclude(url="", archive_url="")

    def with_link_state(self) -> SourceQuerySet:
        """Return these sources with their latest check of each link and their latest stored copy
        prefetched (two queries whatever the number of sources; see Source.latest_check())."""
        return self.prefetch_related(
            Prefetch("link_checks", queryset=SourceCheck.objects.latest_per_link(), to_attr="latest_checks"),
            Prefetch("snapshots", queryset=SourceSnapshot.objects.latest_per_source(), to_attr="latest_snapshots"),
        )

    def _with_latest_check(self, condition: Q) -> SourceQuerySet:
        return self.filter(Exists(SourceCheck.objects.latest_per_link().filter(condition, source=OuterRef("pk"))))

    def link_gone_or_changed(self) -> SourceQuerySet:
        """Return sources whose latest check found the page gone or changed since its stored copy,
        or the archived copy gone (the row form: Source.is_link_gone_or_changed())."""
        return self._with_latest_check(
            Q(link=SourceCheck.Link.URL, outcome__in=SourceCheck.TROUBLE)
            | Q(link=SourceCheck.Link.ARCHIVE, outcome=SourceCheck.Outcome.GONE)
        )

    def link_outcome(self, outcome: str) -> SourceQuerySet:
        """Return sources whose web address's latest check had this outcome."""
        return self._with_latest_check(Q(link=SourceCheck.Link.URL, outcome=outcome))

    def links_unchecked(self) -> SourceQuerySet:
        """Return sources with a link of which no link was checked at its current address
        (the row form: Source.is_link_unchecked())."""
        return self.with_links().exclude(Exists(SourceCheck.objects.latest_per_link().filter(source=OuterRef("pk"))))


class Source(models.Model):
    """A document that evidence quotes: an article, a statement, a report, the agreement text."""

    class Kind(models.TextChoices):
        AGREEMENT_TEXT = "agreement_text", _("Agreement text")
        OFFICIAL_STATEMENT = "official_statement", _("Official statement")
        NEWS_REPORT = "news_report", _("News report")
        NGO_IGO_REPORT = "ngo_igo_report", _("NGO or IGO report")
        COURT_DOCUMENT = "court_document", _("Court document")
        MONITOR_REPORT = "monitor_report", _("Report of an independent monitoring mission")
        OTHER = "other", _("Other")

    DatePrecision = DatePrecision

    publisher = models.CharField(max_length=200)
    title = models.CharField(max_length=500)
    author = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(
        help_text=_("When only the month is known, enter its first day and choose 'Month only'.")
    )
    published_on_precision = models.CharField(max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY)
    language = models.CharField(max_length=16, help_text=_("Language code, such as en, ru, hy, az."))
    url = models.CharField(
        "URL",
        max_length=1000,
        blank=True,
        validators=[validate_web_url],
        help_text=_("Leave empty for a source known by outlet and date only; never invent one."),
    )
    archive_url = models.CharField(
        _("archived copy"),
        max_length=1000,
        blank=True,
        validators=[validate_web_url],
        help_text=_("The address of a copy kept by a web archive, such as the Wayback Machine; never invent one."),
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    notes = models.TextField(blank=True)
    # A publisher that speaks for a party (a government, its ministries, its state media) is
    # not independent of it: support() counts such sources once per party, and an assessment
    # resting only on them is labelled "party sources only".
    affiliated_party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="affiliated_sources",
        help_text=_("The party the publisher belongs to or speaks for (a government, its state media), if any."),
    )
    # When a link checker last took this source: the claim that keeps two runs off one
    # source (a conditional update, see commitments/link_checks.py) and how the weekly job
    # finds work. Written only by the checker; the outcomes are SourceCheck rows.
    links_checked_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    history = HistoricalRecords(excluded_fields=["links_checked_at"])
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "publisher"]
        # The source list's and the API's order: newest first, then by publisher.
        indexes = [models.Index(fields=["-published_on", "publisher", "id"], name="source_newest")]
        constraints = [models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="source_url_unique_when_set")]

    def __str__(self) -> str:
        return f"{self.publisher}, {self.display_date()}: {self.title}"

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        before = None
        if self.pk is not None:
            before = Source.objects.filter(pk=self.pk).values_list("publisher", "affiliated_party_id").first()
        super().save(*args, **kwargs)
        if before is not None and before != (self.publisher, self.affiliated_party_id):
            # Whose voice the source is changed (Source.voice()): so may the support of the
            # assessments that cite it, stored on their commitments.
            citing = Evidence.objects.filter(source=self, status_update__commitment=OuterRef("pk"))
            Commitment.objects.filter(Exists(citing)).refresh_support()

    def display_date(self) -> str:
        """Return the publication date only as precisely as the source prints it."""
        if self.published_on_precision == self.DatePrecision.YEAR:
            return f"{self.published_on:%Y}"
        if self.published_on_precision == self.DatePrecision.MONTH:
            return f"{self.published_on:%b %Y}"
        return f"{self.published_on.day} {self.published_on:%b %Y}"

    def clean(self) -> None:
        self.url = self.url.strip()
        if self.url:
            duplicate = Source.objects.filter(url=self.url).exclude(pk=self.pk).first()
            if duplicate:
                raise ValidationError(
                    {
                        "url": _("This URL is already recorded as source #%(pk)s: %(source)s.")
                        % {"pk": duplicate.pk, "source": duplicate}
                    }
                )
        if self.published_on_precision == self.DatePrecision.MONTH and self.published_on.day != 1:
            raise ValidationError({"published_on": _("For 'Month only', enter the first day of the month.")})
        self.archive_url = self.archive_url.strip()

    # --- stored copies and link checks -------------------------------------------

    def latest_snapshot(self) -> SourceSnapshot | None:
        """Return the most recent stored copy (by capture time), if any.

        Uses the `latest_snapshots` that SourceQuerySet.with_link_state() prefetches, when present.
        """
        if hasattr(self, "latest_snapshots"):
            return self.latest_snapshots[0] if self.latest_snapshots else None
        return self.snapshots.order_by("-captured_at", "-id").first()

    def latest_check(self, link: str) -> SourceCheck | None:
        """Return the latest check of one of this source's links (SourceCheck.Link) at its current address.

        A check of an address the source no longer has does not count. Uses the `latest_checks`
        that SourceQuerySet.with_link_state() prefetches, when present (the same rule:
        SourceCheckQuerySet.latest_per_link()).
        """
        address = self.link_address(link)
        if not address:
            return None
        if hasattr(self, "latest_checks"):
            return next((check for check in self.latest_checks if check.link == link and check.url == address), None)
        return self.link_checks.filter(link=link, url=address).order_by("-checked_at", "-id").first()

    @property
    def latest_url_check(self) -> SourceCheck | None:
        return self.latest_check(SourceCheck.Link.URL)

    @property
    def latest_archive_check(self) -> SourceCheck | None:
        return self.latest_check(SourceCheck.Link.ARCHIVE)

    def link_address(self, link: str) -> str:
        """Return the address a link check of `link` fetches: the URL or the archived copy's URL."""
        return self.archive_url if link == SourceCheck.Link.ARCHIVE else self.url

    def is_link_gone_or_changed(self) -> bool:
        """Return True if the latest check found the source's page gone or changed since its stored
        copy, or its archived copy gone (the row form of SourceQuerySet.link_gone_or_changed())."""
        url_check = self.latest_check(SourceCheck.Link.URL)
        archive_check = self.latest_check(SourceCheck.Link.ARCHIVE)
        return bool(
            (url_check and url_check.outcome in SourceCheck.TROUBLE)
            or (archive_check and archive_check.outcome == SourceCheck.Outcome.GONE)
        )

    def is_link_unchecked(self) -> bool:
        """Return True if the source has a link and none of its links was checked at its current address."""
        links = [link for link in SourceCheck.Link if self.link_address(link)]
        return bool(links) and all(self.latest_check(link) is None for link in links)

    def voice(self) -> tuple[str, object]:
        """Return what tells sources apart when counting independent support: the party the
        publisher speaks for (two outlets of one government are one voice), else the publisher."""
        if self.affiliated_party_id:
            return ("party", self.affiliated_party_id)
        return ("publisher", self.publisher)


def may_download_snapshots(user) -> bool:
    """Return True if `user` may download stored copies of sources: anyone when the setting
    SOURCE_SNAPSHOTS_PUBLIC is on, otherwise monitors only (the publishers' copyright)."""
    if settings.SOURCE_SNAPSHOTS_PUBLIC:
        return True
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("commitments.view_sourcesnapshot")
    )


class SourceSnapshotQuerySet(models.QuerySet):
    def latest_per_source(self) -> SourceSnapshotQuerySet:
        """Return each source's most recent stored copy (by capture time, then as recorded)."""
        newest = SourceSnapshot.objects.filter(source=OuterRef("source")).order_by("-captured_at", "-id")
        return self.filter(pk=models.Subquery(newest.values("pk")[:1]))


class SourceSnapshot(models.Model):
    """A stored copy of a source as it was at one moment, with its fingerprint. Append-only:
    a changed page gets a new snapshot and the old capture stays.

    The file lives in the "source_snapshots" storage (settings.STORAGES); recorded through
    commitments.snapshots.store_snapshot(), which checks its type and size first.
    """

    class ContentType(models.TextChoices):
        HTML = "text/html", _("HTML")
        PDF = "application/pdf", _("PDF")
        TEXT = "text/plain", _("Plain text")

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="snapshots")
    stored_as = models.CharField(max_length=500, editable=False, help_text=_("The file's name in the storage."))
    original_name = models.CharField(max_length=255, blank=True, editable=False)
    content_type = models.CharField(max_length=32, choices=ContentType.choices, editable=False)
    size = models.PositiveBigIntegerField(editable=False, help_text=_("In bytes."))
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    captured_at = models.DateTimeField(help_text=_("When the copy was taken."))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SourceSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-captured_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "sha256"], name="snapshot_content_unique_per_source")]
        indexes = [models.Index(fields=["source", "-captured_at"], name="snapshot_source_captured")]

    def __str__(self) -> str:
        return f"{self.get_content_type_display()} copy, captured {self.captured_at:%Y-%m-%d %H:%M}"

    def get_download_url(self) -> str:
        return reverse("dashboard:source_snapshot_download", args=[self.source_id, self.pk])

    def download_name(self) -> str:
        """Return a file name for the download: source, capture date, a fingerprint prefix."""
        extension = {self.ContentType.HTML: "html", self.ContentType.PDF: "pdf"}.get(self.content_type, "txt")
        return f"source-{self.source_id}-{self.captured_at:%Y%m%d}-{self.sha256[:12]}.{extension}"


class SourceCheckQuerySet(models.QuerySet):
    def latest_per_link(self) -> SourceCheckQuerySet:
        """Return, for each source and link, the latest check of the address the source has now.

        One rule for the pages, the API, the admin and its filters (Source.latest_check() reads it
        from a prefetch or applies it to one source).
        """
        current_address = models.Case(
            models.When(link=SourceCheck.Link.ARCHIVE, then=models.F("source__archive_url")),
            default=models.F("source__url"),
        )
        newest = SourceCheck.objects.filter(
            source=OuterRef("source"), link=OuterRef("link"), url=OuterRef("url")
        ).order_by("-checked_at", "-id")
        return self.alias(current_address=current_address).filter(
            url=models.F("current_address"), pk=models.Subquery(newest.values("pk")[:1])
        )


def link_check_outcome(
    *,
    requested_url: str,
    final_url: str,
    status_code: int | None,
    error: str,
    content_sha256: str,
    snapshot_sha256: str,
) -> str:
    """Return what a fetch of a source's link found (SourceCheck.Outcome).

    Gone when it failed (HTTP 4xx/5xx, no such host, timeout, a refused redirect); changed
    when the content was read whole and differs from the stored copy's; redirected when it
    ended at another address; otherwise reachable.
    """
    if error or status_code is None or status_code >= 400:
        return SourceCheck.Outcome.GONE
    if snapshot_sha256 and content_sha256 and content_sha256 != snapshot_sha256:
        return SourceCheck.Outcome.CHANGED
    if final_url and final_url != requested_url:
        return SourceCheck.Outcome.REDIRECTED
    return SourceCheck.Outcome.REACHABLE


class SourceCheck(models.Model):
    """One fetch of a source's web address or archived copy, and what it found. Recorded by the
    link checker (commitments/link_checks.py); the history of checks is kept, the latest shown."""

    class Link(models.TextChoices):
        URL = "url", _("Web address")
        ARCHIVE = "archive", _("Archived copy")

    class Outcome(models.TextChoices):
        REACHABLE = "reachable", _("Reachable")
        REDIRECTED = "redirected", _("Redirected")
        GONE = "gone", _("Gone")
        CHANGED = "changed", _("Changed since the stored copy")

    # Outcomes of a source's own address that a monitor should look at.
    TROUBLE = frozenset({Outcome.GONE, Outcome.CHANGED})

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="link_checks")
    link = models.CharField(max_length=8, choices=Link.choices)
    url = models.CharField("URL", max_length=1000, help_text=_("The address fetched."))
    checked_at = models.DateTimeField()
    # The outcome is what the checker concluded from the facts below, at the time (it
    # compared the content with the stored copy of that moment): a record, never updated.
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("The last HTTP status."))
    final_url = models.CharField(
        max_length=1000, blank=True, help_text=_("Where the redirects ended, or the refused address.")
    )
    error = models.CharField(max_length=500, blank=True)
    content_sha256 = models.CharField(
        "SHA-256 of the content", max_length=64, blank=True, help_text=_("Empty when the content was not read whole.")
    )
    compared_snapshot = models.ForeignKey(
        SourceSnapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SourceCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["source", "link", "-checked_at"], name="sourcecheck_latest")]

    def __str__(self) -> str:
        return f"{self.get_link_display()} of source #{self.source_id}, {self.checked_at:%Y-%m-%d}: {self.outcome}"

    def describe(self) -> str:
        """Return the outcome in words, with where a redirect led or why the link is gone."""
        if self.outcome == self.Outcome.REDIRECTED:
            return _("redirected to %(url)s") % {"url": self.final_url}
        if self.outcome == self.Outcome.GONE:
            reason = f"HTTP {self.status_code}" if self.status_code and self.status_code >= 400 else self.error
            return _("gone (%(reason)s)") % {"reason": reason} if reason else _("gone")
        if self.outcome == self.Outcome.CHANGED:
            return _("changed since the stored copy")
        return _("reachable")


def source_voice(prefix: str = "") -> models.Expression:
    """Return Source.voice() as an SQL expression, for the source at `prefix` (such as "source__")."""
    return Case(
        When(
            **{f"{prefix}affiliated_party__isnull": False},
            then=Concat(Value("party:"), Cast(f"{prefix}affiliated_party_id", models.CharField())),
        ),
        default=Concat(Value("publisher:"), F(f"{prefix}publisher")),
        output_field=models.CharField(),
    )


class Speaker(models.Model):
    """A person who speaks for a party, in the office they held: "Sergei Lavrov", "Russian
    foreign minister", Russia. Claims and quoted evidence name who is speaking."""

    name = models.CharField(max_length=200)
    role = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Office or role when speaking, as sources give it: 'Russian foreign minister'."),
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="speakers", help_text=_("The party the speaker speaks for.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["name", "role", "party"], name="speaker_unique")]

    def __str__(self) -> str:
        return f"{self.name}, {self.role}" if self.role else self.name

    def chooser_label(self) -> str:
        """Return the speaker as choosers show it: a person, their office and the party they speak for."""
        office = f", {self.role}" if self.role else ""
        values = {"name": self.name, "office": office, "party": self.party}
        return _("%(name)s%(office)s — speaks for %(party)s") % values

    @staticmethod
    def split(text: str) -> tuple[str, str]:
        """Return (name, role) from "Name, office" text, as claims recorded speakers before
        Speaker existed; str() of the result gives the text back."""
        name, _comma, role = text.strip().partition(", ")
        return name.strip(), role.strip()


class SpeechKind(models.TextChoices):
    """What a quoted passage is. Evidence can be any of the three; a claim is a speaker's words,
    quoted directly or as the source reports them. Empty on entries recorded before the
    tracker asked (shown as a plain quotation of the source)."""

    SOURCE = "source", _("The source's own words (a reporter, a document)")
    DIRECT = "direct", _("A speaker's own words, quoted directly")
    REPORTED = "reported", _("A speaker's words as the source reports them (paraphrase)")


class AgreementQuerySet(models.QuerySet):
    def menu(self) -> list[tuple[str, str]]:
        """Return (slug, title as str() gives it) of these agreements, read without building a model
        per agreement: the menus that offer hundreds of them."""
        return list(self.values_list("slug", Coalesce(NullIf("short_title", Value("")), "title")))

    def visible_to(self, user) -> AgreementQuerySet:
        """Return the agreements `user` may monitor: all of them with the
        monitor_all_agreements permission, otherwise those the user is assigned to."""
        if user.has_perm("commitments.monitor_all_agreements"):
            return self.all()
        return self.filter(monitors=user)

    def recorded_by(self, moment: dt.datetime) -> AgreementQuerySet:
        """Return the agreements the tracker had recorded by `moment` (the as-of views)."""
        return self.exclude(
            Exists(Agreement.history.model.objects.filter(id=OuterRef("pk"), history_type="+", history_date__gt=moment))
        )

    def with_links(self) -> AgreementQuerySet:
        """Prefetch each agreement's links both ways with the agreement at the other end and the
        provisions each link names (Agreement.links() reads them): four queries for them all."""
        return self.prefetch_related(
            Prefetch(
                "links_out",
                queryset=AgreementLink.objects.select_related("to_agreement").prefetch_related(
                    "provisions", "by_provisions"
                ),
            ),
            Prefetch(
                "links_in",
                queryset=AgreementLink.objects.select_related("from_agreement").prefetch_related(
                    "provisions", "by_provisions"
                ),
            ),
        )

    def by_attention(self, now: dt.datetime) -> AgreementQuerySet:
        """Return these agreements, those that most need attention first: the most commitments
        overdue at `now` first, then the latest activity (the stored latest_activity), then the
        default order.

        Annotates overdue_count: each agreement's count reads only its overdue commitments (the
        index commitment_agreement_deadline), not every commitment joined to every claim.
        """
        overdue = (
            Commitment.objects.overdue(now)
            .filter(provision_agreement=OuterRef("pk"))
            .order_by()
            .values("provision_agreement")
            .annotate(n=Count("*"))  # not a column: PostgreSQL then reads the index alone
            .values("n")
        )
        return self.annotate(overdue_count=Coalesce(Subquery(overdue), 0)).order_by(
            "-overdue_count", F("latest_activity").desc(nulls_last=True), *Agreement._meta.ordering, "pk"
        )

    def computed_latest_activity(self) -> models.Expression:
        """Return the rule of latest_activity as an expression over these agreements' rows: the latest
        date any standing assessment of its commitments is as of (their stored status_as_of) or any
        uncorrected published claim about them was stated on (the dates the home page's latest
        assessments and claims are ordered by); None when there are neither."""
        assessed = Subquery(
            Commitment.objects.filter(provision__agreement=OuterRef("pk"))
            .order_by()
            .values("provision__agreement")
            .annotate(latest=Max("status_as_of"))
            .values("latest")
        )
        claimed = Subquery(
            Claim.objects.published()
            .uncorrected()
            .filter(commitment__provision__agreement=OuterRef("pk"))
            .order_by()
            .values("commitment__provision__agreement")
            .annotate(latest=Max("stated_on"))
            .values("latest")
        )
        # Greatest() of a NULL is NULL on SQLite but not on PostgreSQL: coalesce each with the other.
        return Greatest(Coalesce(assessed, claimed), Coalesce(claimed, assessed), output_field=models.DateField())

    def with_computed_latest_activity(self) -> AgreementQuerySet:
        """Annotate computed_latest_activity: the rule the stored latest_activity keeps (the test that
        they agree after every kind of write reads it)."""
        return self.annotate(computed_latest_activity=self.computed_latest_activity())

    def refresh_latest_activity(self) -> int:
        """Store latest_activity for these agreements: one UPDATE, called in the transaction of every
        write that can change it (Commitment.refresh_flags(), a commitment or provision moved or deleted)."""
        return self.update(latest_activity=self.computed_latest_activity())


class Agreement(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=500)
    short_title = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True)
    signatories = models.ManyToManyField(Party, related_name="agreements_signed")
    signed_on = models.DateField()
    time_zone = models.CharField(
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("The IANA time zone the agreement counts in; its deadlines end at midnight there."),
    )
    entry_into_force = models.DateTimeField(
        help_text=_("The exact moment the agreement took effect (stored in UTC, shown in its time zone).")
    )
    # "In force on signature" with no hour on record: the moment is the start of the day in the
    # agreement's zone, and pages show the day only.
    entry_into_force_time_known = models.BooleanField(
        _("time of entry into force known"),
        default=True,
        help_text=_("Untick when only the day is known: the pages then show the date without a time."),
    )
    monitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="monitored_agreements",
        help_text=_(
            "Monitors assigned to this agreement. Monitors without the 'monitor all agreements' "
            "permission see and change only the agreements they are assigned to."
        ),
    )

    # Stored so that the home page and the list of agreements order by it without joining every
    # commitment to every claim (by_attention()): the rule is computed_latest_activity(), stored by
    # refresh_latest_activity() in the transaction of each write that can change it.
    latest_activity = models.DateField(null=True, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=[signatories], excluded_fields=["latest_activity"])
    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "title"]
        permissions = [("monitor_all_agreements", "Can monitor every agreement, assigned or not")]

    def __str__(self) -> str:
        return self.short_title or self.title

    def get_absolute_url(self) -> str:
        return reverse("dashboard:agreement_detail", args=[self.slug])

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def entry_into_force_local(self) -> dt.datetime:
        """Return the entry into force in the agreement's own time zone."""
        return self.entry_into_force.astimezone(self.tz)

    def entry_into_force_date(self) -> dt.date:
        return self.entry_into_force_local().date()

    def local_today(self, now: dt.datetime) -> dt.date:
        """Return the calendar date `now` falls on in the agreement's time zone."""
        return local_date(now, self.tz)

    def quoted_text(self) -> AgreementText | None:
        """Return the published version of the text that the tracker quotes."""
        return next((text for text in self.texts.all() if text.is_quoted), None)

    def implementation_by_month(self, today: dt.date) -> list[MonthStatus]:
        """Return, for the end of each month from entry into force to `today`'s month (that one to
        `today`), how many of the agreement's commitments stood at each status: each commitment's
        latest standing assessment dated by then (the Peace Accords Matrix's chart). Two queries."""
        commitment_ids = list(Commitment.objects.for_agreement(self).values_list("pk", flat=True))
        history: dict[int, list[tuple[dt.date, str]]] = {pk: [] for pk in commitment_ids}
        rows = (
            StatusUpdate.objects.for_agreement(self)
            .standing()
            .order_by("as_of", "recorded_at", "id")
            .values_list("commitment_id", "as_of", "status")
        )
        for commitment_id, as_of, status in rows:
            history.setdefault(commitment_id, []).append((as_of, status))
        start = self.entry_into_force_date()
        month_ends = []
        month = start.replace(day=1)
        while month <= today:
            next_month = add_months(month, 1)
            month_ends.append(min(next_month - dt.timedelta(days=1), today))
            month = next_month
        counts = [dict.fromkeys(Status.values, 0) for _ in month_ends]
        for updates in history.values():
            index, status = 0, Status.NOT_ASSESSED
            for position, month_end in enumerate(month_ends):
                while index < len(updates) and updates[index][0] <= month_end:
                    status = updates[index][1]
                    index += 1
                counts[position][status] += 1
        return [MonthStatus(month_end, by_status) for month_end, by_status in zip(month_ends, counts, strict=True)]

    def compute_latest_activity(self) -> dt.date | None:
        """Return the rule of the stored latest_activity for this agreement, in Python (the SQL form:
        AgreementQuerySet.computed_latest_activity)."""
        dates = []
        for commitment in Commitment.objects.filter(provision__agreement=self).prefetch_related("claims"):
            if commitment.status_as_of is not None:
                dates.append(commitment.status_as_of)
            claims = published_only(commitment.claims.all())
            corrected = {claim.corrects_id for claim in claims if claim.corrects_id}
            dates.extend(claim.stated_on for claim in claims if claim.pk not in corrected)
        return max(dates, default=None)

    def links(self) -> list[AgreementLinkView]:
        """Return this agreement's links to other agreements, both ways, each worded from this
        agreement's side ("implements", "implemented by"), oldest agreement first."""
        outgoing = [AgreementLinkView(link, outgoing=True) for link in self.links_out.all()]
        incoming = [AgreementLinkView(link, outgoing=False) for link in self.links_in.all()]
        return sorted([*outgoing, *incoming], key=lambda view: (view.other.signed_on, view.other.slug, view.label))

    def clean(self) -> None:
        if self.time_zone and self.entry_into_force and self.signed_on:
            try:
                if self.entry_into_force_date() < self.signed_on:
                    raise ValidationError(
                        {"entry_into_force": _("An agreement cannot enter into force before it is signed.")}
                    )
            except ZoneInfoNotFoundError:
                pass  # reported by the time_zone validator

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # The commitments' default order reads the agreement's signing date and title.
        Commitment.objects.filter(provision__agreement=self).refresh_sort_keys()
        # Deadlines end at midnight in the agreement's zone and count from its entry
        # into force: keep the commitments' stored deadline instants true.
        for commitment in Commitment.objects.filter(provision__agreement=self).select_related("provision__agreement"):
            commitment.provision.agreement = self
            commitment.sync_deadline(save=True)
            commitment.refresh_status()


@dataclass(frozen=True)
class MonthStatus:
    """How many of an agreement's commitments stood at each status at the end of a month."""

    month_end: dt.date
    by_status: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


class AgreementText(models.Model):
    """One published version of an agreement's text; versions can differ (point 2 of the 2020 statement)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="texts")
    label = models.CharField(max_length=200, help_text=_("For example: Kremlin website, English."))
    publisher = models.CharField(max_length=200)
    url = models.CharField("URL", max_length=1000, blank=True, validators=[validate_web_url])
    language = models.CharField(max_length=16)
    is_quoted = models.BooleanField(
        default=False, help_text=_("The version whose wording the tracker's provisions quote.")
    )
    notes = models.TextField(blank=True, help_text=_("How this version differs from the others."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_quoted", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"], condition=Q(is_quoted=True), name="one_quoted_text_per_agreement"
            ),
            models.UniqueConstraint(fields=["agreement", "label"], name="agreement_text_label_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class AgreementLink(models.Model):
    """A typed link from one agreement to another (the Moscow statement of 11 Jan 2021 implements
    point 9 of the 2020 statement), optionally naming the points it bears on on both sides."""

    class Kind(models.TextChoices):
        IMPLEMENTS = "implements", _("implements")
        AMENDS = "amends", _("amends")
        SUPERSEDES = "supersedes", _("supersedes")
        RECOMMITS_TO = "recommits_to", _("recommits to")

    # How the other side words it: "implemented by the Moscow statement".
    INVERSE_LABELS = {
        Kind.IMPLEMENTS: _("implemented by"),
        Kind.AMENDS: _("amended by"),
        Kind.SUPERSEDES: _("superseded by"),
        Kind.RECOMMITS_TO: _("recommitted to by"),
    }

    from_agreement = models.ForeignKey(
        "Agreement", on_delete=models.CASCADE, related_name="links_out", help_text=_("The later agreement.")
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # An agreement others link to is deleted only together with them.
    to_agreement = models.ForeignKey(
        "Agreement", on_delete=models.RESTRICT, related_name="links_in", help_text=_("The agreement it links to.")
    )
    provisions = models.ManyToManyField(
        "Provision",
        blank=True,
        related_name="links_in",
        help_text=_("The points of the linked agreement it bears on (none: the whole agreement)."),
    )
    by_provisions = models.ManyToManyField(
        "Provision",
        blank=True,
        related_name="links_out",
        help_text=_("The points of this agreement that do it (none: the whole agreement)."),
    )
    note = models.TextField(blank=True)

    history = HistoricalRecords(m2m_fields=[provisions, by_provisions])

    class Meta:
        ordering = ["from_agreement", "to_agreement", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["from_agreement", "to_agreement", "kind"], name="agreement_link_unique"),
            models.CheckConstraint(condition=~Q(from_agreement=F("to_agreement")), name="agreement_link_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.from_agreement} {self.get_kind_display()} {self.to_agreement}"

    def provision_problems(self) -> dict[str, str]:
        """Return the points named on the wrong side: `provisions` must be the linked agreement's,
        `by_provisions` this one's."""
        errors = {}
        if self.pk is None:
            return errors
        if any(provision.agreement_id != self.to_agreement_id for provision in self.provisions.all()):
            errors["provisions"] = _("Name points of the linked agreement only.")
        if any(provision.agreement_id != self.from_agreement_id for provision in self.by_provisions.all()):
            errors["by_provisions"] = _("Name points of this agreement only.")
        return errors


@dataclass(frozen=True)
class AgreementLinkView:
    """An agreement link seen from one of its two agreements (Agreement.links())."""

    link: AgreementLink
    outgoing: bool

    @property
    def label(self) -> str:
        return str(self.link.get_kind_display() if self.outgoing else AgreementLink.INVERSE_LABELS[self.link.kind])

    @property
    def other(self) -> Agreement:
        return self.link.to_agreement if self.outgoing else self.link.from_agreement

    @property
    def own_provisions(self) -> list[Provision]:
        """The points of the agreement whose page shows the link."""
        provisions = self.link.by_provisions.all() if self.outgoing else self.link.provisions.all()
        return sorted(provisions, key=lambda provision: provision.position)

    @property
    def other_provisions(self) -> list[Provision]:
        provisions = self.link.provisions.all() if self.outgoing else self.link.by_provisions.all()
        return sorted(provisions, key=lambda provision: provision.position)

    @property
    def own_points(self) -> str:
        return points_text(self.own_provisions)

    @property
    def other_points(self) -> str:
        return points_text(self.other_provisions)


def points_text(provisions: list[Provision]) -> str:
    """Return points in words: "point 9", "points 1–4" (a run in order), "points 2, 6"."""
    if not provisions:
        return ""
    numbers = [provision.number for provision in provisions]
    if len(numbers) == 1:
        return _("point %(number)s") % {"number": numbers[0]}
    positions = [provision.position for provision in provisions]
    if len(numbers) > 2 and positions == list(range(positions[0], positions[0] + len(positions))):
        return _("points %(first)s–%(last)s") % {"first": numbers[0], "last": numbers[-1]}
    return _("points %(numbers)s") % {"numbers": ", ".join(numbers)}


class AgreementEvent(models.Model):
    """Something an agreement's deadlines count from ("the working group's first meeting"). Until it
    is recorded as held, with its date and a source, the deadlines that count from it are pending."""

    agreement = models.ForeignKey("Agreement", on_delete=models.CASCADE, related_name="events")
    code = models.SlugField(max_length=64, help_text=_("Stable identifier within the agreement: first-meeting."))
    name = models.CharField(max_length=200, help_text=_("As a deadline names it: the working group's first meeting."))
    occurred_on = models.DateField(
        null=True, blank=True, help_text=_("When it happened; leave empty until a source reports it.")
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text=_("The source that reports when it happened."),
    )
    quote = models.TextField(blank=True, help_text=_("The passage of the source that reports it."))
    is_verbatim = models.BooleanField(
        _("word for word"), default=True, help_text=_("Untick when the text summarises the report.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "code"]
        constraints = [models.UniqueConstraint(fields=["agreement", "code"], name="agreement_event_code_unique")]

    def __str__(self) -> str:
        return self.name

    def has_occurred(self) -> bool:
        """Return True once the event is recorded as held (a date and its source)."""
        return self.occurred_on is not None and self.source_id is not None

    def occurred_on_precision(self) -> str:
        """Return how precisely the event is dated: no more precisely than its source."""
        return self.source.published_on_precision if self.source_id else DatePrecision.DAY

    def problems(self) -> dict[str, str]:
        """Return what keeps the event from being recorded: a date without its source or the other
        way round, or a source published before the event (compared at the source's precision)."""
        if self.occurred_on is None and not self.source_id:
            return {}
        if self.occurred_on is None:
            return {"occurred_on": _("Give the date the source reports, or leave the source empty.")}
        if not self.source_id:
            return {"source": _("Name the source that reports when it happened.")}
        precision = self.source.published_on_precision
        if truncate_date(self.source.published_on, precision) < truncate_date(self.occurred_on, precision):
            return {
                "source": _("The source was published on %(published)s, before the event: cite one that reports it.")
                % {"published": format_date(self.source.published_on, precision)}
            }
        return {}

    def clean(self) -> None:
        errors = self.problems()
        if errors:
            raise ValidationError(errors)

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        errors = self.problems()
        if errors:  # below the forms: the admin, the seed loader and a shell meet the same rule
            raise ValidationError(errors)
        super().save(*args, **kwargs)
        # The deadlines that count from it follow its date, also when a wrong date is corrected.
        for commitment in self.commitments.select_related("provision__agreement"):
            commitment.deadline_event = self
            commitment.sync_deadline(save=True)


class VersionDeadline(models.Model):
    """A commitment's deadline as one published version of the text words it, where versions differ:
    "by January 30, 2021" (Aravot) against "before 30 January 2021" (the Azerbaijani presidency).
    The tracker measures against the version it quotes (the commitment's own deadline)."""

    commitment = models.ForeignKey("Commitment", on_delete=models.CASCADE, related_name="version_deadlines")
    text = models.ForeignKey(AgreementText, on_delete=models.CASCADE, related_name="deadlines")
    wording = models.CharField(max_length=200, help_text=_("The deadline as this version words it."))
    deadline_date = models.DateField(help_text=_("The last day this wording allows ('before 30 January': 29 January)."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment", "-text__is_quoted", "text__label"]
        constraints = [models.UniqueConstraint(fields=["commitment", "text"], name="version_deadline_unique")]

    def __str__(self) -> str:
        return f"{self.text}: {self.wording}"

    @classmethod
    def prefetch_with_texts(cls) -> Prefetch:
        """Prefetch commitments' version deadlines with their texts, in one query. Ordered by the
        text only: the default ordering joins the commitments to sort by their order first, which
        changes nothing within one commitment (and version_outcomes sorts them anyway)."""
        return Prefetch(
            "version_deadlines",
            queryset=cls.objects.select_related("text").order_by("-text__is_quoted", "text__label"),
        )

    def clean(self) -> None:
        if self.commitment_id and self.text_id and self.text.agreement_id != self.commitment.agreement.pk:
            raise ValidationError({"text": _("Choose a version of this commitment's agreement.")})


@dataclass(frozen=True)
class VersionOutcome:
    """How a commitment stands against one version's deadline (Commitment.version_outcomes)."""

    text: AgreementText
    wording: str
    deadline: dt.date
    is_quoted: bool
    # Fulfilled: on time or late by days_late; open: overdue or not.
    fulfilled: bool
    days_late: int | None
    is_overdue: bool

    @property
    def on_time(self) -> bool:
        return self.fulfilled and not self.days_late

    def verdict(self) -> str:
        if self.fulfilled:
            if not self.days_late:
                return str(_("on time"))
            return ngettext("%(days)d day late", "%(days)d days late", self.days_late) % {"days": self.days_late}
        return str(_("overdue")) if self.is_overdue else str(_("not yet due"))


class Provision(models.Model):
    """A numbered point of an agreement, with its text as the quoted version words it."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="provisions")
    number = models.CharField(max_length=16, help_text=_("As the agreement numbers it: 1, 2, 6(a)…"))
    position = models.PositiveIntegerField(help_text=_("Order within the agreement."))
    text = models.TextField()
    text_variants = models.TextField(
        blank=True, help_text=_("Where other published versions of the text word this point differently.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "position"]
        indexes = [models.Index(fields=["agreement", "position"], name="provision_order")]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="provision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} — point {self.number}"

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        moved_from = None
        if not self._state.adding:
            moved_from = Provision.objects.filter(pk=self.pk).values_list("agreement", flat=True).first()
        super().save(*args, **kwargs)
        if moved_from is not None:
            # Its commitments' stored sort keys follow a new position or agreement; a point moved
            # to another agreement takes its commitments' activity with it.
            Commitment.objects.filter(provision=self).refresh_sort_keys()
            if moved_from != self.agreement_id:
                Agreement.objects.filter(pk__in=[moved_from, self.agreement_id]).refresh_latest_activity()


class Status(models.TextChoices):
    """The assessment scale.

    The first four steps are the Kroc Institute's implementation scale (Peace Accords
    Matrix); "violated" and "ended" cover what a ceasefire also sees. "Not yet
    assessed" means no monitor has judged the commitment, which is not the same as
    "not started" (judged, and nothing has been done).
    """

    NOT_ASSESSED = "not_assessed", _("Not yet assessed")
    NOT_STARTED = "not_started", _("Not started")
    MINIMAL = "minimal", _("Minimal implementation")
    INTERMEDIATE = "intermediate", _("Intermediate implementation")
    FULFILLED = "fulfilled", _("Fulfilled")
    VIOLATED = "violated", _("Violated")
    ENDED = "ended", _("Ended early / superseded")


# The stored sort keys of a commitment (Commitment.copy_sort_keys).
SORT_KEY_FIELDS = ("agreement_signed_on", "agreement_title", "provision_agreement", "provision_position")
# What sync_deadline() sets on a commitment (and save() stores).
DEADLINE_STATE_FIELDS = ("deadline_in_force", "deadline_ends_at", "state_changed_at")
# Statuses after which a deadline no longer applies.
CLOSED_STATUSES = frozenset({Status.FULFILLED, Status.ENDED})
# Kinds of deadline that fall on a day (and can be changed by an agreed DeadlineChange).
DATED_DEADLINE_KINDS = frozenset({"date", "period", "after_event"})


def _support_of_current_assessment() -> dict[str, Subquery]:
    """The support of a commitment's current assessment in SQL (StatusUpdateQuerySet.with_support()
    of current()), as expressions over the commitment: with_computed_support() and refresh_support()."""
    # The current assessment is found first, then only its support is counted: asking for the
    # support of the first of current() counted the support of every standing update (twice
    # as slow on SQLite at the benchmark's scale).
    current_id = StatusUpdate.objects.current().filter(commitment=OuterRef(OuterRef("pk"))).values("pk")[:1]
    current = StatusUpdate.objects.filter(pk=Subquery(current_id)).order_by()
    supported = current.with_support()
    # Not assessed: no current assessment, "" and 0.
    return {
        "computed_support": Coalesce(Subquery(supported.values("support_level")), Value("")),
        "computed_support_count": Coalesce(Subquery(supported.values("support_count")), Value(0)),
        "computed_as_of_precision": Coalesce(Subquery(current.values("as_of_precision")), Value("")),
    }


def overdue_condition(now: dt.datetime) -> Q:
    """The rule of CommitmentQuerySet.overdue() as a condition, for counts that count overdue
    commitments beside others in one grouped query."""
    # Sorted: the same SQL each time (PostgreSQL plans it from the literal statuses).
    return Q(deadline_ends_at__lte=now) & ~Q(current_status__in=sorted(CLOSED_STATUSES))


class CommitmentQuerySet(models.QuerySet):
    def overdue(self, now: dt.datetime) -> CommitmentQuerySet:
        """Return commitments whose deadline in force has ended by `now` and that are neither fulfilled nor ended."""
        return self.filter(overdue_condition(now))

    def not_overdue(self, now: dt.datetime) -> CommitmentQuerySet:
        return self.exclude(pk__in=self.overdue(now).values("pk"))

    def due_soon(self, now: dt.datetime, within: dt.timedelta | None = None) -> CommitmentQuerySet:
        """Return open commitments whose deadline in force ends after `now` but within `within`
        (default: due_soon_window())."""
        within = due_soon_window() if within is None else within
        return self.filter(deadline_ends_at__gt=now, deadline_ends_at__lte=now + within).exclude(
            current_status__in=CLOSED_STATUSES
        )

    def fulfilled_late(self) -> CommitmentQuerySet:
        """Return commitments first assessed fulfilled on a day after their deadline in force."""
        return self.filter(fulfilled_at__gt=models.F("deadline_ends_at"))

    def computed_disputed(self) -> CommitmentQuerySet:
        """Return commitments whose parties' claims conflict, by the rule (ClaimQuerySet.conflicting();
        the row form: Commitment.has_conflicting_claims). Pages read the stored form: disputed()."""
        return self.filter(Exists(Claim.objects.conflicting().filter(commitment=OuterRef("pk"))))

    def computed_contested(self) -> CommitmentQuerySet:
        """Return commitments a party's claim contests, by the rule (ClaimQuerySet.contesting(); the
        row form: Commitment.has_contesting_claims). Pages read the stored form: contested()."""
        return self.filter(Exists(Claim.objects.contesting().filter(commitment=OuterRef("pk"))))

    def disputed(self) -> CommitmentQuerySet:
        """Return the disputed commitments: the stored is_disputed (see refresh_flags)."""
        return self.filter(is_disputed=True)

    def contested(self) -> CommitmentQuerySet:
        """Return the contested commitments: the stored is_contested (see refresh_flags)."""
        return self.filter(is_contested=True)

    def refresh_flags(self) -> int:
        """Store is_disputed and is_contested for these commitments by their rules, in one UPDATE.

        Called in the transaction of every write that can change them (Commitment.refresh_flags():
        claims and status updates saved, published, corrected or deleted, evidence added or
        removed, refresh_status()); bulk writers call it on what they wrote. Contested reads the
        stored current status and its date: refresh them first.
        """
        return self.update(
            is_disputed=Exists(Claim.objects.conflicting().filter(commitment=OuterRef("pk"))),
            is_contested=Exists(Claim.objects.contesting().filter(commitment=OuterRef("pk"))),
        )

    def refresh_sort_keys(self) -> int:
        """Store the default order's keys of these commitments from their provisions and agreements,
        in one UPDATE (the row form: Commitment.copy_sort_keys(), which save() calls)."""
        provision = Provision.objects.filter(pk=OuterRef("provision"))
        return self.update(
            agreement_signed_on=Subquery(provision.values("agreement__signed_on")[:1]),
            agreement_title=Subquery(provision.values("agreement__title")[:1]),
            provision_agreement=Subquery(provision.values("agreement")[:1]),
            provision_position=Subquery(provision.values("position")[:1]),
        )

    def with_computed_support(self) -> CommitmentQuerySet:
        """Annotate, by the rule (StatusUpdate.support() of the current assessment), what
        refresh_support() stores: computed_support (a Support value, "" when not assessed),
        computed_support_count and computed_as_of_precision. Pages read the stored columns."""
        return self.annotate(**_support_of_current_assessment())

    def refresh_support(self) -> int:
        """Store the support of these commitments' current assessments (current_support,
        current_support_count, current_as_of_precision) by the rule, in one UPDATE.

        Called in the transaction of every write that can change them: refresh_status() (an
        assessment saved, published, corrected or deleted, evidence added, changed or removed), a
        source's publisher or party changed (Source.save()); bulk writers call it on what they wrote.
        """
        computed = _support_of_current_assessment()
        return self.update(
            current_support=computed["computed_support"],
            current_support_count=computed["computed_support_count"],
            current_as_of_precision=computed["computed_as_of_precision"],
        )

    def with_current_support(self, level: str) -> CommitmentQuerySet:
        """Return commitments whose current assessment has this Support level (the stored one)."""
        return self.filter(current_support=level)

    def for_agreement(self, agreement: Agreement) -> CommitmentQuerySet:
        return self.filter(provision_agreement=agreement)

    def for_party(self, party: Party) -> CommitmentQuerySet:
        """Return the commitments `party` is responsible for (across agreements)."""
        return self.filter(responsible_parties=party)

    def deadline_passed(self, now: dt.datetime) -> CommitmentQuerySet:
        """Return the commitments with a dated deadline in force that has ended by `now`."""
        return self.filter(deadline_ends_at__lte=now)

    def fulfilled_on_time(self) -> CommitmentQuerySet:
        """Return commitments first assessed fulfilled on or before the day of their deadline in
        force (Commitment.is_fulfilled_on_time)."""
        return self.filter(
            fulfilled_at__isnull=False, deadline_ends_at__isnull=False, fulfilled_at__lte=F("deadline_ends_at")
        )

    def on_time_rate(self, now: dt.datetime) -> tuple[int, int]:
        """Return (fulfilled on time, due): among these commitments whose deadline in force has passed
        by `now`, how many were fulfilled by it. One grouped query."""
        due = self.deadline_passed(now)
        counts = due.order_by().aggregate(
            due=Count("pk", distinct=True),
            on_time=Count(
                "pk", distinct=True, filter=Q(fulfilled_at__isnull=False, fulfilled_at__lte=F("deadline_ends_at"))
            ),
        )
        return counts["on_time"], counts["due"]

    def days_late_summary(self) -> DaysLate:
        """Return how many of these were fulfilled late, and the mean and worst days late
        (Commitment.days_late: calendar days in each agreement's zone)."""
        days = [
            commitment.days_late()
            for commitment in self.fulfilled_late().distinct().select_related("provision__agreement")
        ]
        if not days:
            return DaysLate(0, None, None)
        return DaysLate(len(days), sum(days) / len(days), max(days))

    def counts_by_party(self, now: dt.datetime) -> dict[int, AgreementCounts]:
        """Return, per responsible party id, how many of these commitments stand at each status and
        how many are overdue at `now` (the home page's rollup). One grouped query."""
        counts: dict[int, AgreementCounts] = defaultdict(AgreementCounts)
        rows = (
            self.order_by()
            .values("responsible_parties", "current_status")
            .annotate(n=Count("pk"), overdue=Count("pk", filter=overdue_condition(now)))
        )
        for row in rows:
            party = counts[row["responsible_parties"]]
            party.by_status[row["current_status"]] = row["n"]
            party.overdue += row["overdue"]
        return counts

    def as_known_on(self, moment: dt.datetime) -> CommitmentQuerySet:
        """Annotate what the tracker had published by `moment`: known_status (the current assessment
        among the updates published by then, with evidence, not corrected by an entry published by
        then) and known_changed_deadline (the latest deadline change published by then). Leaves out the
        commitments the tracker recorded after `moment`. Commitment.known_state() reads them."""
        updates = StatusUpdate.objects.known_by(moment).filter(commitment=OuterRef("pk")).current_as_known(moment)
        changes = (
            DeadlineChange.objects.known_by(moment)
            .filter(commitment=OuterRef("pk"))
            .order_by("-decided_on", "-id")
            .values("new_deadline")[:1]
        )
        created_later = Commitment.history.model.objects.filter(
            id=OuterRef("pk"), history_type="+", history_date__gt=moment
        )
        return self.exclude(Exists(created_later)).annotate(
            known_status=Coalesce(Subquery(updates.values("status")[:1]), Value(Status.NOT_ASSESSED)),
            known_status_as_of=Subquery(updates.values("as_of")[:1]),
            known_status_precision=Subquery(updates.values("as_of_precision")[:1]),
            known_changed_deadline=Subquery(changes),
        )

    def for_display(self) -> CommitmentQuerySet:
        """Return these commitments with what a row of a list shows: agreement, responsible
        parties, whether disputed or contested, and how well the current assessment is
        supported (the dashboard's lists, the API, the exports)."""
        return self.select_related("provision__agreement", "deadline_event__source").prefetch_related(
            "responsible_parties"
        )

    def for_rows(self) -> CommitmentQuerySet:
        """Return these commitments with only what a row of the commitment list shows
        (dashboard.templatetags.display.commitment_row): for_display() less the deadline's event
        and its source, and less the long texts (the provision's, the agreement's summary), which
        the list's query would otherwise read and convert for every row of every page."""
        return (
            self.select_related("provision__agreement")
            .prefetch_related("responsible_parties")
            .only(
                "title",
                "category",
                "deadline_kind",
                "deadline_in_force",
                "deadline_ends_at",  # is_overdue()
                "current_status",
                "is_disputed",
                "is_contested",
                "current_support",
                "current_support_count",
                "provision__number",
                "provision__agreement__title",
                "provision__agreement__short_title",
            )
        )

    def for_open_data(self) -> CommitmentQuerySet:
        """Return these commitments with what the API and the exports show: a row's data, the
        supervising bodies and the published deadline history."""
        return self.for_display().prefetch_related(
            "supervising_bodies",
            VersionDeadline.prefetch_with_texts(),
            Prefetch(
                "deadline_changes",
                queryset=DeadlineChange.objects.published()
                .select_related("requested_by", "announced_by", "source")
                .prefetch_related("agreed_by"),
            ),
        )

    def with_version_deadline_flag(self) -> CommitmentQuerySet:
        """Annotate has_version_deadlines: whether another version of the agreement's text words a
        commitment's deadline (the page and the API read those wordings only when there are any)."""
        return self.annotate(has_version_deadlines=Exists(VersionDeadline.objects.filter(commitment=OuterRef("pk"))))

    def with_entry_flags(self) -> CommitmentQuerySet:
        """Annotate whether anything of each kind a commitment's page lists is linked to it, in any
        review state: has_version_deadlines, has_supervising_bodies, has_agreement_texts (of its
        agreement), has_deadline_changes, has_claims, has_incidents (linked to the commitment) and
        has_assessment_incidents (linked to one of its assessments). False is exact: the page then
        skips the query for that kind, which would find nothing (most commitments have no claims,
        incidents, deadline changes or other versions' wordings). True leaves it to that query."""
        return self.with_version_deadline_flag().annotate(
            has_supervising_bodies=Exists(
                Commitment.supervising_bodies.through.objects.filter(commitment=OuterRef("pk"))
            ),
            has_agreement_texts=Exists(AgreementText.objects.filter(agreement=OuterRef("provision_agreement"))),
            has_deadline_changes=Exists(DeadlineChange.objects.filter(commitment=OuterRef("pk"))),
            has_claims=Exists(Claim.objects.filter(commitment=OuterRef("pk"))),
            has_incidents=Exists(Incident.commitments.through.objects.filter(commitment=OuterRef("pk"))),
            has_assessment_incidents=Exists(
                StatusUpdate.incidents.through.objects.filter(statusupdate__commitment=OuterRef("pk"))
            ),
        )

    def counts_by_agreement(self, now: dt.datetime) -> dict[int, AgreementCounts]:
        """Return, per agreement id, how many of these commitments stand at each status, how
        many are overdue at `now`, disputed and contested (the stored flags). One grouped query."""
        counts: dict[int, AgreementCounts] = defaultdict(AgreementCounts)
        rows = (
            self.order_by()
            .values("provision_agreement", "current_status")
            .annotate(
                n=Count("pk"),
                overdue=Count("pk", filter=overdue_condition(now)),
                disputed=Count("pk", filter=Q(is_disputed=True)),
                contested=Count("pk", filter=Q(is_contested=True)),
            )
        )
        for row in rows:
            agreement = counts[row["provision_agreement"]]
            agreement.by_status[row["current_status"]] = row["n"]
            agreement.overdue += row["overdue"]
            agreement.disputed += row["disputed"]
            agreement.contested += row["contested"]
        return counts


@dataclass
class AgreementCounts:
    """An agreement's commitments counted by status, overdue, disputed and contested
    (CommitmentQuerySet.counts_by_agreement)."""

    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    disputed: int = 0
    contested: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class KnownState:
    """What the tracker had published about a commitment by a moment (Commitment.known_state)."""

    status: str
    status_label: str
    status_as_of: dt.date | None
    status_precision: str
    deadline_in_force: dt.date | None
    deadline_ends_at: dt.datetime | None
    is_overdue: bool
    days_overdue: int | None


@dataclass(frozen=True)
class Term:
    """One term of a renewable commitment (Commitment.terms)."""

    number: int
    starts_on: dt.date
    expires_on: dt.date
    notice_by: dt.date | None
    # The day the commitment ended, when it ended during this term: nothing renews after it.
    ended_on: dt.date | None = None

    @property
    def notice_reached(self) -> bool:
        """Return False if the commitment ended before this term's notice deadline came."""
        return self.ended_on is None or self.notice_by is None or self.notice_by <= self.ended_on

    @property
    def expiry_reached(self) -> bool:
        return self.ended_on is None or self.expires_on <= self.ended_on


class Commitment(models.Model):
    """Something one or more parties must do under a provision, with its deadline."""

    class Category(models.TextChoices):
        CEASEFIRE = "ceasefire", _("Ceasefire")
        TERRITORIAL_HANDOVER = "territorial_handover", _("Territorial handover")
        WITHDRAWAL = "withdrawal", _("Withdrawal of forces")
        PEACEKEEPING_DEPLOYMENT = "peacekeeping_deployment", _("Peacekeeping deployment")
        PEACEKEEPING_MANDATE = "peacekeeping_mandate", _("Peacekeeping mandate")
        MONITORING = "monitoring", _("Monitoring mechanism")
        PRISONERS_REMAINS = "prisoners_remains", _("Prisoners and remains")
        REFUGEES_DISPLACED = "refugees_displaced", _("Refugees and displaced persons")
        TRANSPORT_ECONOMIC = "transport_economic", _("Transport and economic links")
        OTHER = "other", _("Other")

    class DeadlineKind(models.TextChoices):
        DATE = "date", _("By a date")
        PERIOD = "period", _("Within a period from entry into force")
        AFTER_EVENT = "after_event", _("Within a period after an event")
        ONGOING = "ongoing", _("Ongoing from entry into force")
        RENEWABLE = "renewable", _("Renewable term with a notice window")
        NONE = "none", _("No deadline set")

    provision = models.ForeignKey(Provision, on_delete=models.CASCADE, related_name="commitments")
    code = models.SlugField(
        max_length=64, help_text=_("Stable identifier within the agreement, such as kalbajar-handover.")
    )
    title = models.CharField(max_length=200, help_text=_("Short name: 'Return of the Kalbajar district'."))
    description = models.TextField(help_text=_("Who must do what, in the tracker's words."))
    responsible_parties = models.ManyToManyField(Party, related_name="commitments")
    supervising_bodies = models.ManyToManyField(
        Party,
        blank=True,
        related_name="commitments_supervised",
        help_text=_("Bodies that supervise or monitor it without being bound by it, such as UNHCR for returns."),
    )
    # Indexed as the first column of commitment_category_status (Meta), for the category filter.
    category = models.CharField(max_length=32, choices=Category.choices)

    deadline_kind = models.CharField(max_length=16, choices=DeadlineKind.choices)
    deadline_date = models.DateField(
        null=True, blank=True, help_text=_("For 'by a date': the date as the text gives it.")
    )
    period_months = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("For 'within a period': months from entry into force (or after the event)."),
    )
    period_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("For 'within a period': days from entry into force (or after the event), instead of months."),
    )
    deadline_event = models.ForeignKey(
        AgreementEvent,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="commitments",
        help_text=_("For 'within a period after an event': the event the period counts from."),
    )
    term_months = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("For a renewable term: length of each term in months.")
    )
    notice_months = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("For a renewable term: notice to end it is due this many months before expiry."),
    )

    # Denormalised so the overdue job, the dashboard and the filters can find work
    # with one indexed comparison. Kept true by sync_deadline(), which save(),
    # DeadlineChange.save() and Agreement.save() call; tests compare them with
    # the values computed from the stored facts.
    deadline_in_force = models.DateField(null=True, blank=True, editable=False, db_index=True)
    deadline_ends_at = models.DateTimeField(null=True, blank=True, editable=False)  # indexed with the status
    # When a write last set what the overdue job reads: the status, the deadline in force or its end
    # (or created the commitment). The flagging job's incremental runs read only the commitments
    # marked since their last run, besides those whose deadline ended since (alerts/flagging.py);
    # its full sweep, on a schedule, catches a write that failed to mark. Set by save(),
    # sync_deadline() and refresh_status() (with save=True, or by the bulk writer that stores what
    # they set). Null: not written since the column exists (the first run is a full sweep).
    state_changed_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    # Denormalised from the status history by StatusUpdate.save() so status filters
    # and the overdue job need no subquery; see refresh_status().
    current_status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.NOT_ASSESSED, editable=False, db_index=True
    )
    fulfilled_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("End of the day the commitment was first assessed fulfilled, in the agreement's time zone."),
    )
    # Also from refresh_status(): how precisely that first "fulfilled" assessment is dated,
    # and the date of the current assessment (when a closed commitment closed, which ends
    # a renewable mandate's terms: see terms()).
    fulfilled_precision = models.CharField(max_length=8, choices=DatePrecision.choices, blank=True, editable=False)
    status_as_of = models.DateField(null=True, blank=True, editable=False)
    # Disputed and contested, stored so that the lists, their filters, the API, the exports and the
    # counts read a column instead of every claim. The rules stay ClaimQuerySet.conflicting() and
    # .contesting() (computed_disputed(), computed_contested(); has_conflicting_claims() and
    # has_contesting_claims() for one row); CommitmentQuerySet.refresh_flags() stores them in the
    # transaction of every write that can change them (see Commitment.refresh_flags).
    is_disputed = models.BooleanField(default=False, editable=False)
    is_contested = models.BooleanField(default=False, editable=False)
    # How well the current assessment is supported (StatusUpdate.support(): a Support value and
    # the count of independent voices) and how precisely it is dated, stored so that the lists, the
    # API and the exports read columns instead of subqueries through the evidence ("", 0 and ""
    # when not assessed). The rule stays with_computed_support(); refresh_support() stores it in
    # the transaction of every write that can change it.
    current_support = models.CharField(max_length=24, choices=Support.choices, blank=True, editable=False)
    current_support_count = models.PositiveIntegerField(default=0, editable=False)
    current_as_of_precision = models.CharField(max_length=8, choices=DatePrecision.choices, blank=True, editable=False)
    # The default order's keys, copied from the provision and its agreement (the agreement's own
    # order: newest signed first, then title), so that the lists and the API read one index
    # instead of sorting every commitment joined to its provision and agreement. Kept true by
    # save() (copy_sort_keys()), Provision.save() and Agreement.save() (refresh_sort_keys()).
    agreement_signed_on = models.DateField(editable=False)
    agreement_title = models.CharField(max_length=500, editable=False)
    provision_agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="+", editable=False)
    provision_position = models.PositiveIntegerField(editable=False)

    history = HistoricalRecords(
        m2m_fields=[responsible_parties, supervising_bodies],
        # Derived from other rows, not facts of the commitment (the audit trail records those rows).
        excluded_fields=[
            "state_changed_at",
            "is_disputed",
            "is_contested",
            "current_support",
            "current_support_count",
            "current_as_of_precision",
            "agreement_signed_on",
            "agreement_title",
            "provision_agreement",
            "provision_position",
        ],
    )
    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["-agreement_signed_on", "agreement_title", "provision_agreement_id", "provision_position", "id"]
        indexes = [
            # The agreement order (the lists' and the API's default), from the stored keys: the
            # first page reads the index instead of sorting every commitment.
            models.Index(
                fields=["-agreement_signed_on", "agreement_title", "provision_agreement", "provision_position", "id"],
                name="commitment_agreement_order",
            ),
            models.Index(fields=["provision", "id"], name="commitment_provision_order"),
            # The disputed and contested filters and the counts per agreement read only the flagged rows.
            models.Index(fields=["provision_agreement"], condition=Q(is_disputed=True), name="commitment_disputed"),
            models.Index(fields=["provision_agreement"], condition=Q(is_contested=True), name="commitment_contested"),
            # Each agreement's overdue count on the home page (AgreementQuerySet.by_attention) reads
            # only its commitments whose deadline has passed, and their status from the index.
            models.Index(
                fields=["provision_agreement", "deadline_ends_at", "current_status"],
                name="commitment_agreement_deadline",
            ),
            # What is overdue or due soon everywhere (the home page's count and lists, the rollup by
            # party, the flagging job) reads this index alone: the deadline range, and the status
            # from the index rather than the table. (Partial indexes on open commitments would be
            # smaller, but SQLite cannot use them when the statuses are bound parameters.)
            models.Index(fields=["deadline_ends_at", "current_status"], name="commitment_deadline_status"),
            # The lists' two main filters, category and status, with the overdue flag's deadline: a
            # category alone reads its first column; both, with or without the deadline's range,
            # read only the matching entries rather than every commitment of one status.
            models.Index(fields=["category", "current_status", "deadline_ends_at"], name="commitment_category_status"),
            # The flagging job's notice reminders filter the renewable terms each run by what this
            # index holds (alerts/flagging.py notice_falls_near), reading no commitment row.
            models.Index(
                fields=["provision_agreement", "term_months", "notice_months", "id"],
                condition=Q(deadline_kind="renewable"),
                name="commitment_renewable",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["provision", "code"], name="commitment_code_unique_in_provision"),
        ]

    def __str__(self) -> str:
        return self.title

    def chooser_label(self) -> str:
        """Return the commitment as choosers show it, unambiguously: "Karabakh 2020 · point 6 · Return of
        the Kalbajar district"."""
        return _("%(agreement)s · point %(number)s · %(title)s") % {
            "agreement": self.provision.agreement,
            "number": self.provision.number,
            "title": self.title,
        }

    def get_absolute_url(self) -> str:
        return reverse("dashboard:commitment_detail", args=[self.pk])

    @property
    def agreement(self) -> Agreement:
        return self.provision.agreement

    # --- deadlines -------------------------------------------------------------

    def original_deadline(self) -> dt.date | None:
        """Return the deadline the text sets, before any agreed change: a date; a period from entry
        into force; a period after an event, once the event is recorded (None before it)."""
        if self.deadline_kind == self.DeadlineKind.DATE:
            return self.deadline_date
        if self.deadline_kind == self.DeadlineKind.PERIOD:
            return self.after_period(self.agreement.entry_into_force_date())
        if self.deadline_kind == self.DeadlineKind.AFTER_EVENT:
            event = self.deadline_event
            return self.after_period(event.occurred_on) if event is not None and event.has_occurred() else None
        return None

    def after_period(self, start: dt.date) -> dt.date | None:
        """Return the day the commitment's period ends, counted from `start` (months, or days)."""
        if self.period_months is not None:
            return add_months(start, self.period_months)
        if self.period_days is not None:
            return start + dt.timedelta(days=self.period_days)
        return None

    def has_dated_deadline(self) -> bool:
        """Return True for the kinds of deadline that fall on a day (by a date, within a period)."""
        return self.deadline_kind in DATED_DEADLINE_KINDS

    def pending_event(self) -> AgreementEvent | None:
        """Return the event a relative deadline waits for, while it is not yet recorded as held:
        the commitment is then "due one month after: the working group's first meeting — not yet
        held", neither overdue nor due soon."""
        if self.deadline_kind != self.DeadlineKind.AFTER_EVENT or self.deadline_event is None:
            return None
        return None if self.deadline_event.has_occurred() else self.deadline_event

    def period_text(self) -> str:
        """Return the period in words: "one month", "60 days"."""
        if self.period_months is not None:
            if self.period_months == 1:
                return str(_("one month"))
            return ngettext("%(n)d month", "%(n)d months", self.period_months) % {"n": self.period_months}
        if self.period_days is not None:
            return ngettext("%(n)d day", "%(n)d days", self.period_days) % {"n": self.period_days}
        return ""

    def version_outcomes(
        self, now: dt.datetime, versions: Iterable[VersionDeadline] | None = None
    ) -> list[VersionOutcome]:
        """Return how the commitment stands against each published version's wording of its deadline
        (VersionDeadline), the quoted version first; empty when no version words it differently,
        or once an agreed change has replaced the original deadline. `versions` are this
        commitment's version deadlines, with their texts, when the caller holds them (the API's lists)."""
        versions = list(self.version_deadlines.all() if versions is None else versions)
        if not versions or self.deadline_in_force != self.original_deadline():
            return []
        fulfilled_on = self.fulfilled_on()
        tz = self.agreement.tz
        outcomes = []
        for version in versions:
            late = (fulfilled_on - version.deadline_date).days if fulfilled_on else None
            outcomes.append(
                VersionOutcome(
                    text=version.text,
                    wording=version.wording,
                    deadline=version.deadline_date,
                    is_quoted=version.text.is_quoted,
                    fulfilled=fulfilled_on is not None,
                    days_late=late if late and late > 0 else None,
                    is_overdue=fulfilled_on is None
                    and self.current_status not in CLOSED_STATUSES
                    and end_of_day(version.deadline_date, tz) <= now,
                )
            )
        return sorted(outcomes, key=lambda outcome: (not outcome.is_quoted, outcome.text.label))

    def version_outcome_differs(self, now: dt.datetime, versions: Iterable[VersionDeadline] | None = None) -> bool:
        """Return True if another version's wording of the deadline gives another outcome than the quoted one
        (`versions` as for version_outcomes)."""
        return len({outcome.verdict() for outcome in self.version_outcomes(now, versions)}) > 1

    def compute_deadline_in_force(self, changes: Iterable[DeadlineChange] | None = None) -> dt.date | None:
        """Return the new deadline of the latest published agreed change (by decision date, then as
        recorded), or the original deadline if it never changed.

        `changes` are this commitment's deadline changes when the caller holds them (bulk
        writes); otherwise they are read from the database.
        """
        if not self.has_dated_deadline():
            return None
        if changes is None:
            changes = DeadlineChange.objects.published().filter(commitment_id=self.pk) if self.pk else []
        # A draft change moves nothing until a second monitor publishes it.
        latest = max(published_only(changes), key=lambda change: (change.decided_on, change.pk or 0), default=None)
        return latest.new_deadline if latest else self.original_deadline()

    def known_deadline_in_force(self, changes: Iterable[DeadlineChange]) -> tuple[dt.date | None, dt.datetime | None]:
        """Return the deadline in force and the instant it ends given only `changes` (the changes
        the tracker had recorded by some moment: the as-of views)."""
        deadline = self.compute_deadline_in_force(list(changes))
        return deadline, end_of_day(deadline, self.agreement.tz) if deadline else None

    def sync_deadline(self, save: bool = False, changes: Iterable[DeadlineChange] | None = None) -> None:
        """Recompute the stored deadline in force and the instant it ends (see compute_deadline_in_force)."""
        self.deadline_in_force = self.compute_deadline_in_force(changes)
        self.deadline_ends_at = (
            end_of_day(self.deadline_in_force, self.agreement.tz) if self.deadline_in_force else None
        )
        self.state_changed_at = state_change_time()
        if save:
            Commitment.objects.filter(pk=self.pk).update(
                deadline_in_force=self.deadline_in_force,
                deadline_ends_at=self.deadline_ends_at,
                state_changed_at=self.state_changed_at,
            )

    def ended_on(self) -> dt.date | None:
        """Return the date of the current assessment if it says the commitment ended early or
        was superseded: a renewable mandate stops renewing then. ("Fulfilled" does not end a
        renewable term: a mandate in force is being kept.)"""
        return self.status_as_of if self.current_status == Status.ENDED else None

    def terms(self, today: dt.date, ahead: int = 0) -> list[Term]:
        """Return the terms of a renewable commitment from the first to the one running on
        `today` (and `ahead` more, had it renewed), each with its end and notice deadline.

        Terms renew automatically, until the assessment that closed the commitment: the
        term running then is the last one, and nothing renews after it.
        """
        if self.deadline_kind != self.DeadlineKind.RENEWABLE or not self.term_months:
            return []
        start = self.agreement.entry_into_force_date()
        ended_on = self.ended_on()
        found: list[Term] = []
        number, extra = 1, 0
        while True:
            starts_on = add_months(start, self.term_months * (number - 1))
            expires_on = add_months(start, self.term_months * number)
            ends_early = ended_on if ended_on is not None and ended_on <= expires_on else None
            notice_by = add_months(expires_on, -self.notice_months) if self.notice_months is not None else None
            found.append(Term(number, starts_on, expires_on, notice_by, ends_early))
            if ends_early is not None:
                return found
            if expires_on >= today:
                if extra == ahead:
                    return found
                extra += 1
            number += 1

    def current_term(self, today: dt.date) -> Term | None:
        """Return the term running on `today`: none before the first or once the commitment ended."""
        terms = self.terms(today)
        if not terms or (terms[-1].ended_on is not None and terms[-1].ended_on <= today):
            return None
        return terms[-1]

    def term_expiry(self, today: dt.date) -> dt.date | None:
        """Return when the term running on `today` expires (None once the commitment has ended)."""
        term = self.current_term(today)
        return term.expires_on if term else None

    def notice_deadline(self, today: dt.date) -> dt.date | None:
        """Return the last day a party can give notice to end the term running on `today`."""
        term = self.current_term(today)
        return term.notice_by if term else None

    def original_extended(self) -> int | None:
        """Return by how many days agreed changes moved the deadline later than the original, if they did."""
        original = self.original_deadline()
        if original is None or self.deadline_in_force is None or self.deadline_in_force <= original:
            return None
        return (self.deadline_in_force - original).days

    def met_extended_deadline(self) -> bool:
        """Return True if the commitment was fulfilled after its original deadline but by the
        extended one now in force (Kalbajar: due 15 Nov, extended to 25 Nov, handed over 25 Nov)."""
        fulfilled_on = self.fulfilled_on()
        return (
            fulfilled_on is not None
            and self.original_extended() is not None
            and not self.is_fulfilled_late()
            and fulfilled_on > self.original_deadline()
        )

    # --- derived states --------------------------------------------------------

    def is_overdue(self, now: dt.datetime) -> bool:
        """Return True if the deadline in force has ended by `now` and the commitment is neither fulfilled nor ended."""
        return (
            self.deadline_ends_at is not None
            and self.deadline_ends_at <= now
            and self.current_status not in CLOSED_STATUSES
        )

    def is_due_soon(self, now: dt.datetime, within: dt.timedelta | None = None) -> bool:
        """Return True if the commitment is open and its deadline in force ends after `now` but
        within `within` (default: due_soon_window())."""
        within = due_soon_window() if within is None else within
        return (
            self.deadline_ends_at is not None
            and now < self.deadline_ends_at <= now + within
            and self.current_status not in CLOSED_STATUSES
        )

    def is_fulfilled_late(self) -> bool:
        return (
            self.fulfilled_at is not None
            and self.deadline_ends_at is not None
            and self.fulfilled_at > self.deadline_ends_at
        )

    def is_fulfilled_on_time(self) -> bool:
        """Return True if first assessed fulfilled on or before the day of the deadline in force
        (the row form of CommitmentQuerySet.fulfilled_on_time)."""
        return (
            self.fulfilled_at is not None
            and self.deadline_ends_at is not None
            and self.fulfilled_at <= self.deadline_ends_at
        )

    def known_state(self, day: dt.date) -> KnownState:
        """Return what the tracker showed about this commitment on `day`: the status, the deadline in
        force and whether it was overdue that day (in the agreement's zone), from the entries it had
        recorded by then (on a row annotated by CommitmentQuerySet.as_known_on(moment))."""
        status = self.known_status
        if not self.has_dated_deadline():
            deadline = None
        else:
            deadline = self.known_changed_deadline or self.original_deadline()
        tz = self.agreement.tz
        ends_at = end_of_day(deadline, tz) if deadline else None
        overdue = ends_at is not None and ends_at <= end_of_day(day, tz) and status not in CLOSED_STATUSES
        return KnownState(
            status=status,
            status_label=Status(status).label,
            status_as_of=self.known_status_as_of,
            status_precision=self.known_status_precision or DatePrecision.DAY,
            deadline_in_force=deadline,
            deadline_ends_at=ends_at,
            is_overdue=overdue,
            days_overdue=(day - local_date(ends_at, tz)).days + 1 if overdue else None,
        )

    def days_late(self) -> int | None:
        """Return by how many calendar days (in the agreement's zone) the commitment was
        fulfilled after its deadline in force, if it was fulfilled late."""
        if not self.is_fulfilled_late():
            return None
        tz = self.agreement.tz
        return (local_date(self.fulfilled_at, tz) - local_date(self.deadline_ends_at, tz)).days

    def days_overdue(self, now: dt.datetime) -> int | None:
        """Return how many calendar days (in the agreement's zone) have passed since the deadline
        day in force: 1 on the day after it."""
        if not self.is_overdue(now):
            return None
        tz = self.agreement.tz
        return (local_date(now, tz) - local_date(self.deadline_ends_at, tz)).days + 1

    def fulfilled_on(self) -> dt.date | None:
        """Return the day the commitment was first assessed fulfilled (fulfilled_at is the end of that day)."""
        if self.fulfilled_at is None:
            return None
        return local_date(self.fulfilled_at, self.agreement.tz) - dt.timedelta(days=1)

    def conflicting_claims(self, claims: Iterable[Claim] | None = None) -> list[Claim]:
        """Return the parties' claims about this commitment that conflict (Claim.is_conflicting; the
        SQL form is ClaimQuerySet.conflicting); `claims` are this commitment's, when the caller holds
        them. Drafts and corrected claims do not count."""
        all_claims = published_only(self.claims.all() if claims is None else claims)
        corrected = {claim.corrects_id for claim in all_claims if claim.corrects_id}
        standing_claims = [claim for claim in all_claims if claim.pk not in corrected]
        return [claim for claim in standing_claims if claim.is_conflicting(standing_claims)]

    def has_conflicting_claims(self) -> bool:
        """Return True if the parties' claims about this commitment conflict (see Claim.is_conflicting)."""
        return bool(self.conflicting_claims())

    def contested_by(
        self, claims: Iterable[Claim] | None = None, updates: Iterable[StatusUpdate] | None = None
    ) -> list[tuple[Claim, str]]:
        """Return the parties' claims that contradict the tracker's current assessment, each with
        the reason (Claim.contests); `claims` and `updates` are this commitment's, when the caller
        holds them (with their evidence prefetched, or annotated with_is_evidenced). Drafts do not count."""
        claims = published_only(self.claims.all() if claims is None else claims)
        corrected = {claim.corrects_id for claim in claims if claim.corrects_id}
        if updates is None:
            updates = StatusUpdate.objects.filter(commitment_id=self.pk).with_is_evidenced()
        ever_begun = any(update.status in BEGUN_STATUSES for update in standing(updates))
        return [
            (claim, claim.contest_reason(self, ever_begun))
            for claim in claims
            if claim.pk not in corrected and claim.contests(self, ever_begun)
        ]

    def contesting_claims(
        self, claims: Iterable[Claim] | None = None, updates: Iterable[StatusUpdate] | None = None
    ) -> list[Claim]:
        """Return the claims that contradict the current assessment (see contested_by)."""
        return [claim for claim, _reason in self.contested_by(claims, updates)]

    def has_contesting_claims(self) -> bool:
        """Return True if a party's claim contradicts the current assessment (the rule of the stored
        is_contested; CommitmentQuerySet.computed_contested)."""
        return bool(self.contested_by())

    def refresh_flags(self) -> None:
        """Store this commitment's is_disputed and is_contested by their rules, and its agreement's
        latest_activity, after a write of its claims or its status (in the writer's transaction)."""
        Commitment.objects.filter(pk=self.pk).refresh_flags()
        Agreement.objects.filter(pk=self.provision_agreement_id).refresh_latest_activity()
        stored = Commitment.objects.filter(pk=self.pk).values_list("is_disputed", "is_contested").first()
        if stored is not None:
            self.is_disputed, self.is_contested = stored

    def refresh_support(self) -> None:
        """Store the support of this commitment's current assessment (CommitmentQuerySet.refresh_support)."""
        Commitment.objects.filter(pk=self.pk).refresh_support()
        stored = (
            Commitment.objects.filter(pk=self.pk)
            .values_list("current_support", "current_support_count", "current_as_of_precision")
            .first()
        )
        if stored is not None:
            self.current_support, self.current_support_count, self.current_as_of_precision = stored

    def copy_sort_keys(self) -> None:
        """Set the stored sort keys from the provision and its agreement (the row form of
        CommitmentQuerySet.refresh_sort_keys)."""
        agreement = self.provision.agreement
        self.agreement_signed_on = agreement.signed_on
        self.agreement_title = agreement.title
        self.provision_agreement = agreement
        self.provision_position = self.provision.position

    def refresh_status(self, updates: Iterable[StatusUpdate] | None = None, save: bool = True) -> None:
        """Recompute the stored current status, its date and the fulfilment time from the status history.

        `updates` are all of this commitment's status updates when the caller holds them
        (bulk writes); otherwise they are read from the database. A draft, or an update without
        evidence, does not count (see standing()).
        """
        if updates is None:
            updates = StatusUpdate.objects.published().filter(commitment_id=self.pk).with_is_evidenced()
        updates = standing(updates)  # published, uncorrected, with evidence
        current = current_update(updates)
        self.current_status = current.status if current else Status.NOT_ASSESSED
        self.status_as_of = current.as_of if current else None
        # Fulfilled when the current assessment says so, since the first assessment that
        # said so (corrected entries do not count): a commitment fulfilled and then
        # violated, or a mistaken "fulfilled" that was corrected, is not "fulfilled late".
        first_fulfilled = None
        if self.current_status == Status.FULFILLED:
            first_fulfilled = min(
                (update for update in updates if update.status == Status.FULFILLED),
                key=lambda update: (update.as_of, update.recorded_at),
            )
        self.fulfilled_at = end_of_day(first_fulfilled.as_of, self.agreement.tz) if first_fulfilled else None
        self.fulfilled_precision = first_fulfilled.as_of_precision if first_fulfilled else ""
        self.state_changed_at = state_change_time()
        if save:
            Commitment.objects.filter(pk=self.pk).update(
                current_status=self.current_status,
                status_as_of=self.status_as_of,
                fulfilled_at=self.fulfilled_at,
                fulfilled_precision=self.fulfilled_precision,
                state_changed_at=self.state_changed_at,
            )
            self.refresh_flags()  # contested reads the status and its date; latest_activity the date
            self.refresh_support()

    def clean(self) -> None:
        kind = self.deadline_kind
        required = {
            self.DeadlineKind.DATE: ["deadline_date"],
            self.DeadlineKind.AFTER_EVENT: ["deadline_event"],
            self.DeadlineKind.RENEWABLE: ["term_months", "notice_months"],
        }.get(kind, [])
        errors = {
            name: _("Required for this kind of deadline.") for name in required if getattr(self, name) in (None, "")
        }
        period = (
            ["period_months", "period_days"]
            if kind in (self.DeadlineKind.PERIOD, self.DeadlineKind.AFTER_EVENT)
            else []
        )
        if period and (self.period_months is None) == (self.period_days is None):
            errors["period_months"] = _("Give the period in months or in days (one of the two).")
        unused = {"deadline_date", "term_months", "notice_months", "period_months", "period_days"} - set(required)
        unused -= set(period)
        errors.update(
            {
                name: _("Leave empty for this kind of deadline.")
                for name in sorted(unused)
                if getattr(self, name) is not None
            }
        )
        if kind != self.DeadlineKind.AFTER_EVENT and self.deadline_event_id is not None:
            errors["deadline_event"] = _("Leave empty for this kind of deadline.")
        if (
            self.deadline_event_id is not None
            and self.provision_id
            and self.deadline_event.agreement_id != self.agreement.pk
        ):
            errors["deadline_event"] = _("Choose an event of this commitment's agreement.")
        if kind == self.DeadlineKind.RENEWABLE and self.term_months and self.notice_months:
            if self.notice_months >= self.term_months:
                errors["notice_months"] = _("The notice period must be shorter than the term.")
        if errors:
            raise ValidationError(errors)
        if self.deadline_date and self.provision_id and self.deadline_date < self.agreement.signed_on:
            raise ValidationError(
                {
                    "deadline_date": _("The deadline %(deadline)s is before the agreement was signed (%(signed)s).")
                    % {"deadline": self.deadline_date, "signed": self.agreement.signed_on}
                }
            )

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        self.sync_deadline()
        adding, moved_from = self._state.adding, self.provision_agreement_id
        self.copy_sort_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            # sync_deadline() above recomputed the deadline and set the mark: store what it set.
            kwargs["update_fields"] = {*update_fields, *DEADLINE_STATE_FIELDS}
            if "provision" in update_fields:
                kwargs["update_fields"] |= set(SORT_KEY_FIELDS)
        super().save(*args, **kwargs)
        if not adding:
            # An instance read before a claim was written would store stale flags.
            self.refresh_flags()
            if moved_from is not None and moved_from != self.provision_agreement_id:
                Agreement.objects.filter(pk=moved_from).refresh_latest_activity()


class ReviewState(models.TextChoices):
    """Where an entry stands in review before publication. Only published entries are public and
    count in any derived state (ReviewableQuerySet.published(), Reviewable.is_published())."""

    DRAFT = "draft", _("Draft, awaiting review")
    RETURNED = "returned", _("Sent back to its author")
    PUBLISHED = "published", _("Published")


class PublishedVia(models.TextChoices):
    """How a published entry came to be published (shown publicly beside it)."""

    REVIEW = "review", _("Reviewed by a second monitor")
    AUTHOR = "author", _("Not independently reviewed")
    SEED = "seed", _("Loaded from a seed file of sourced facts")
    BEFORE_REVIEW = "before_review", _("Recorded before review was introduced")


class ReviewableQuerySet(models.QuerySet):
    def published(self) -> ReviewableQuerySet:
        """Return the published entries: the only ones the public sees and the derived states count
        (the row form: Reviewable.is_published())."""
        return self.filter(review_state=ReviewState.PUBLISHED)

    def unpublished(self) -> ReviewableQuerySet:
        """Return drafts awaiting review and drafts sent back to their authors."""
        return self.exclude(review_state=ReviewState.PUBLISHED)

    def with_publication_time(self) -> ReviewableQuerySet:
        """Annotate publication_time: when the entry became public (Reviewable.published_at())."""
        return self.annotate(publication_time=Coalesce("reviewed_at", "recorded_at"))

    def awaiting_review(self) -> ReviewableQuerySet:
        """Return the drafts a second monitor has yet to publish or send back (the review queue)."""
        return self.filter(review_state=ReviewState.DRAFT)

    def known_by(self, moment: dt.datetime) -> ReviewableQuerySet:
        """Return the entries the tracker had published by `moment` (the as-of views)."""
        return self.published().with_publication_time().filter(publication_time__lte=moment)


class Reviewable(models.Model):
    """An entry that is recorded as a draft, seen only by monitors, and published once a second
    monitor has reviewed it (commitments/review.py: publish(), send_back()).

    A model joins the review by inheriting this (with `recorded_by`/`recorded_at` of its own and
    `objects` built on ReviewableQuerySet) and registering a RecordKind in commitments/review.py.
    """

    review_state = models.CharField(
        _("review"), max_length=16, choices=ReviewState.choices, default=ReviewState.DRAFT, editable=False
    )
    published_via = models.CharField(
        _("published"), max_length=16, choices=PublishedVia.choices, blank=True, editable=False
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text=_("Who published it, or sent it back."),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    review_comment = models.TextField(
        _("reviewer's comment"), blank=True, editable=False, help_text=_("Why it was sent back; its author sees it.")
    )

    class Meta:
        abstract = True
        # "review": may publish or send back other monitors' drafts (commitments/review.py).
        default_permissions = ("add", "change", "delete", "view", "review")

    def is_published(self) -> bool:
        """Return True if the entry is published (the QuerySet form: ReviewableQuerySet.published())."""
        return self.review_state == ReviewState.PUBLISHED

    def published_at(self) -> dt.datetime:
        """Return when the entry became public: when it was reviewed and published, or, for an entry
        of a seed file or from before review, when it was recorded (the SQL form: with_publication_time())."""
        return self.reviewed_at or self.recorded_at

    def review_label(self) -> str:
        """Return how the public is told the entry was checked: "reviewed by a second monitor" or
        "not independently reviewed" ("" for entries of a seed file or from before review)."""
        if self.published_via == PublishedVia.REVIEW:
            return _("reviewed by a second monitor")
        if self.published_via == PublishedVia.AUTHOR:
            return _("not independently reviewed")
        return ""

    def prepare_publication(self) -> None:
        """Bring what the entry derived while it was a draft up to date before it is published."""

    def agreement_of(self) -> Agreement:
        return self.commitment.agreement


def published_only(entries: Iterable[Reviewable]) -> list[Reviewable]:
    """Return the published entries among `entries` (ReviewableQuerySet.published() in memory)."""
    return [entry for entry in entries if entry.is_published()]


class DeadlineChangeQuerySet(ReviewableQuerySet):
    def requested_by_party(self, party: Party) -> DeadlineChangeQuerySet:
        """Return the published changes `party` asked for (its scorecard's extensions requested)."""
        return self.published().filter(requested_by=party)


class DeadlineChange(Reviewable):
    """An agreed change of a commitment's deadline. History, never an edit of the original."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="deadline_changes")
    previous_deadline = models.DateField(editable=False, help_text=_("The deadline in force before this change."))
    new_deadline = models.DateField()
    decided_on = models.DateField(help_text=_("When the change was agreed or announced."))
    requested_by = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.PROTECT, related_name="deadline_changes_requested"
    )
    agreed_by = models.ManyToManyField(Party, related_name="deadline_changes_agreed")
    announced_by = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadline_changes_announced",
        help_text=_("Who made the change public, where that is not one of the parties that agreed it (a mediator)."),
    )
    reason = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="deadline_changes")
    quote = models.TextField(blank=True, help_text=_("The passage of the source that reports the change."))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords(m2m_fields=[agreed_by])
    objects = DeadlineChangeQuerySet.as_manager()

    class Meta(Reviewable.Meta):
        ordering = ["decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.previous_deadline} → {self.new_deadline}"

    def chooser_label(self) -> str:
        """Return what a monitor needs to recognise the change in a chooser or a list."""
        return f"{self.commitment.chooser_label()} · {self.previous_deadline} → {self.new_deadline}"

    def deadline_before(self) -> dt.date | None:
        """Return the deadline in force when this change was decided: the latest published change
        decided before it, else the original (a change may be recorded after later ones)."""
        latest = (
            DeadlineChange.objects.published()
            .filter(commitment_id=self.commitment_id, decided_on__lte=self.decided_on)
            .exclude(pk=self.pk)
            .order_by("-decided_on", "-id")
            .first()
        )
        return latest.new_deadline if latest else self.commitment.original_deadline()

    def prepare_publication(self) -> None:
        # Other changes may have been published while this one waited for review.
        self.previous_deadline = self.deadline_before()

    def decided_on_precision(self) -> str:
        """Return how precisely the decision is dated: no more precisely than its source."""
        return self.source.published_on_precision if self.source_id else DatePrecision.DAY

    def source_problem(self) -> str | None:
        """Return why the source cannot back this change, if it cannot: there is none, or it was
        published before the decision (a month-only source compares by month, a year-only by year)."""
        source = assigned(self, "source")
        if source is None:
            return _("Name the source that reports the change.")
        if self.decided_on is None:
            return None
        precision = source.published_on_precision
        if truncate_date(source.published_on, precision) < truncate_date(self.decided_on, precision):
            return _(
                "The source was published on %(published)s, before the decision of %(decided)s: a source "
                "cannot report a decision made after it was published. Cite one that reports the decision."
            ) % {
                "published": format_date(source.published_on, precision),
                "decided": format_date(self.decided_on),
            }
        return None

    def clean(self) -> None:
        problem = self.source_problem() if assigned(self, "source") is not None else None
        if problem:
            raise ValidationError({"source": problem})
        if not self.commitment_id:
            return
        commitment = self.commitment
        if not commitment.has_dated_deadline():
            raise ValidationError(_("Only a commitment with a dated deadline can have its deadline changed."))
        if commitment.original_deadline() is None:
            raise ValidationError(_("The deadline counts from an event not yet recorded: record the event first."))
        signed_on = commitment.agreement.signed_on
        if self.new_deadline and self.new_deadline < signed_on:
            raise ValidationError(
                {
                    "new_deadline": _("The new deadline %(new)s is before the agreement was signed (%(signed)s).")
                    % {"new": self.new_deadline, "signed": signed_on}
                }
            )
        if self.new_deadline and self.new_deadline == commitment.compute_deadline_in_force() and not self.pk:
            raise ValidationError({"new_deadline": _("This is already the deadline in force.")})

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        if self._state.adding:
            # The rule holds below the forms: the admin, the seed loader and a shell all meet it.
            problem = self.source_problem()
            if problem:
                raise ValidationError({"source": problem})
            self.previous_deadline = self.deadline_before()
        super().save(*args, **kwargs)
        self.commitment.sync_deadline(save=True)  # counts published changes only


@dataclass(frozen=True)
class SupportSummary:
    """How many independent sources support an assessment, and whether any is independent of the parties."""

    count: int
    has_independent_source: bool

    @property
    def level(self) -> str:
        if self.count == 0:
            return Support.NONE
        if not self.has_independent_source:
            return Support.PARTY_SOURCES_ONLY
        return Support.ONE_SOURCE if self.count == 1 else Support.CORROBORATED

    @property
    def label(self) -> str:
        # Only the one label shown is translated (a commitment page asks about twenty times).
        level = self.level
        if level == Support.CORROBORATED:
            return ngettext(
                "corroborated by %(count)d independent source",
                "corroborated by %(count)d independent sources",
                self.count,
            ) % {"count": self.count}
        if level == Support.NONE:
            return _("no source")
        if level == Support.PARTY_SOURCES_ONLY:
            return _("party sources only")
        return _("one source")


def support_of(sources: Iterable[Source]) -> SupportSummary:
    """Return the support that `sources` give an assessment: independent sources are different
    voices (Source.voice: publishers, or the parties affiliated publishers speak for)."""
    sources = list(sources)
    return SupportSummary(
        count=len({source.voice() for source in sources}),
        has_independent_source=any(source.affiliated_party_id is None for source in sources),
    )


def support_label(level: str | None, count: int | None) -> str:
    """Return the label of a commitment's stored support (Commitment.current_support and its count)."""
    if not level:
        return ""
    return SupportSummary(count or 0, level != Support.PARTY_SOURCES_ONLY).label


class StatusUpdateQuerySet(ReviewableQuerySet):
    def with_is_evidenced(self) -> StatusUpdateQuerySet:
        """Annotate is_evidenced: whether the update has evidence (the in-memory rule, standing(), reads it)."""
        return self.annotate(is_evidenced=Exists(Evidence.objects.filter(status_update=OuterRef("pk"))))

    def uncorrected(self) -> StatusUpdateQuerySet:
        """Return the updates that no published entry corrects (a draft correction corrects nothing yet)."""
        return self.exclude(Exists(StatusUpdate.objects.published().filter(corrects=OuterRef("pk"))))

    def with_is_corrected(self) -> StatusUpdateQuerySet:
        """Annotate is_corrected: whether a published entry corrects the update."""
        return self.annotate(is_corrected=Exists(StatusUpdate.objects.published().filter(corrects=OuterRef("pk"))))

    def standing(self) -> StatusUpdateQuerySet:
        """Return the updates that count: published, not corrected by a later published entry, and
        backed by evidence (the row form: standing())."""
        return self.published().filter(Exists(Evidence.objects.filter(status_update=OuterRef("pk")))).uncorrected()

    def current_as_known(self, moment: dt.datetime) -> StatusUpdateQuerySet:
        """Return, in the order of current() (first: the current assessment then), the updates that
        stood at `moment`: with evidence, and not corrected by an entry published by then."""
        corrected_by_then = StatusUpdate.objects.known_by(moment).filter(corrects=OuterRef("pk"))
        return (
            self.filter(Exists(Evidence.objects.filter(status_update=OuterRef("pk"))))
            .exclude(Exists(corrected_by_then))
            .order_by("-as_of", "-recorded_at", "-id")
        )

    def for_agreement(self, agreement: Agreement) -> StatusUpdateQuerySet:
        return self.filter(commitment__provision__agreement=agreement)

    def current(self) -> StatusUpdateQuerySet:
        """Return standing updates in the order that makes the first one the current assessment.

        The latest by as-of date wins; an update that a later entry corrects, or that has no
        evidence, does not count. (The row form, for updates in memory: current_update(standing(…)).)
        """
        return self.standing().order_by("-as_of", "-recorded_at", "-id")

    def with_support(self) -> StatusUpdateQuerySet:
        """Annotate support_count, has_independent_source and support_level (StatusUpdate.support())."""
        evidence = Evidence.objects.filter(status_update=OuterRef("pk"))
        voices = (
            evidence.order_by()
            .values("status_update")
            .annotate(n=Count(source_voice("source__"), distinct=True))
            .values("n")[:1]
        )
        return self.annotate(
            support_count=Coalesce(Subquery(voices), 0),
            has_independent_source=Exists(evidence.filter(source__affiliated_party__isnull=True)),
        ).annotate(
            support_level=Case(
                # No voice exactly when no evidence (each piece has a source): testing that is
                # cheaper than the count, which would otherwise be counted twice more here.
                When(~Exists(evidence), then=Value(Support.NONE)),
                When(has_independent_source=False, then=Value(Support.PARTY_SOURCES_ONLY)),
                When(support_count=1, then=Value(Support.ONE_SOURCE)),
                default=Value(Support.CORROBORATED),
                output_field=models.CharField(),
            )
        )

    def record(self, *, evidence: Iterable[Evidence], incidents: Iterable[Incident] = (), **fields) -> StatusUpdate:
        """Create a status update together with its evidence, or nothing (StatusUpdate.record)."""
        return self.model(**fields).record(evidence, incidents)


def uncorrected(updates: Iterable[StatusUpdate]) -> list[StatusUpdate]:
    """Return the published updates of one commitment that no other published one corrects
    (StatusUpdateQuerySet.published().uncorrected() in memory)."""
    updates = published_only(updates)
    corrected = {update.corrects_id for update in updates if update.corrects_id}
    return [update for update in updates if update.pk is None or update.pk not in corrected]


def is_evidenced(update: StatusUpdate) -> bool:
    """Return True if the update has evidence: the annotation with_is_evidenced() sets, or its
    (prefetched) evidence. Bulk writers that build updates with evidence set is_evidenced."""
    annotated = getattr(update, "is_evidenced", None)
    if annotated is not None:
        return annotated
    return update.pk is not None and bool(update.evidence.all())


def standing(updates: Iterable[StatusUpdate]) -> list[StatusUpdate]:
    """Return the updates that count (StatusUpdateQuerySet.standing in memory): published,
    uncorrected, with evidence."""
    return [update for update in uncorrected(updates) if is_evidenced(update)]


def current_update(updates: Iterable[StatusUpdate]) -> StatusUpdate | None:
    """Return the current assessment among one commitment's standing updates: the same rule
    as StatusUpdateQuerySet.current() (latest as-of date, then latest recorded), in memory."""
    # A draft is never current.
    return max(
        published_only(updates), key=lambda update: (update.as_of, update.recorded_at, update.pk or 0), default=None
    )


def link_corrections(updates: Iterable[StatusUpdate]) -> None:
    """Give each of one commitment's `updates` that corrects another of them that entry, without a
    query (a correction is about the same commitment: StatusUpdate.clean). One that corrects an entry
    not among them (not published) reads it when asked, as before."""
    updates = {update.pk: update for update in updates}
    for update in updates.values():
        if update.corrects_id in updates:
            update.corrects = updates[update.corrects_id]


EVIDENCE_REQUIRED = _(
    "A status update is recorded together with at least one piece of evidence: a source and the "
    "passage quoted from it. Nothing was saved."
)


class StatusUpdate(Reviewable):
    """A monitor's assessment of a commitment as of a date, backed by quoted evidence. Append-only.

    Written only together with its evidence (record()): save() refuses a new update without it,
    whoever calls it (the admin, the seed loader, a shell).
    """

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="status_updates")
    status = models.CharField(max_length=16, choices=Status.choices)
    as_of = models.DateField(help_text=_("The date the assessment describes."))
    as_of_precision = models.CharField(
        _("as-of date precision"),
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_(
            "No more precise than the most precise source: a source that gives only the month dates it to the month."
        ),
    )
    summary = models.TextField()
    corrects = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrected_by",
        help_text=_("The earlier entry this one corrects; the corrected entry stays on record."),
    )
    correction_reason = models.TextField(
        blank=True,
        help_text=_("For a correction: what was wrong with the corrected entry (shown in the public corrections log)."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    # The incidents a "violated" assessment rests on (the incident log); set when it is recorded.
    incidents = models.ManyToManyField(
        "Incident",
        blank=True,
        related_name="assessments",
        help_text=_("The incidents of the incident log this assessment rests on, if any."),
    )

    history = HistoricalRecords(m2m_fields=[incidents])
    objects = StatusUpdateQuerySet.as_manager()

    class Meta(Reviewable.Meta):
        ordering = ["-as_of", "-recorded_at", "-id"]
        indexes = [
            # A commitment's history, and its current assessment (current()): the whole ordering, so
            # finding it reads a few rows of the index instead of sorting the ties on the as-of date.
            models.Index(fields=["commitment", "-as_of", "-recorded_at", "-id"], name="statusupdate_commitment_order"),
            # The home page's latest assessments and the API's list: this ordering, newest first.
            models.Index(fields=["-as_of", "-recorded_at", "-id"], name="statusupdate_latest"),
            # The Atom feeds list the newest entries first.
            models.Index(fields=["-recorded_at", "-id"], name="statusupdate_recorded"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} as of {iso_date(self.as_of, self.as_of_precision)}"

    def display_as_of(self) -> str:
        return format_date(self.as_of, self.as_of_precision)

    def chooser_label(self) -> str:
        """Return what a monitor needs to recognise the assessment (a correction's target): its
        commitment, status, date and the first words of its summary."""
        return (
            f"{self.commitment.chooser_label()} · {self.get_status_display()} · {self.display_as_of()} · "
            f"“{first_words(self.summary)}”"
        )

    def support(self) -> SupportSummary:
        """Return how well the evidence supports this assessment (StatusUpdateQuerySet.with_support in SQL)."""
        return support_of(item.source for item in self.evidence.all())

    def predates_signing(self) -> bool:
        """Return True if the assessment is dated before its agreement was signed, at its precision
        (September 2023 does not predate 9 Sep 2023)."""
        signed_on = self.commitment.agreement.signed_on
        precision = self.as_of_precision or DatePrecision.DAY
        return truncate_date(self.as_of, precision) < truncate_date(signed_on, precision)

    def clean(self) -> None:
        if self.as_of and self.commitment_id:
            agreement = self.commitment.agreement
            if self.as_of > agreement.local_today(timezone.now()):
                raise ValidationError({"as_of": _("An assessment cannot be dated in the future.")})
            # Without a precision yet (taken from the sources by record()), record() checks this.
            if self.as_of_precision and self.predates_signing():
                raise ValidationError({"as_of": _("An assessment cannot predate the agreement's signing.")})
        if self.corrects_id and self.commitment_id and self.corrects.commitment_id != self.commitment_id:
            raise ValidationError({"corrects": _("A correction must be about the same commitment.")})

    @transaction.atomic
    def record(self, evidence: Iterable[Evidence], incidents: Iterable[Incident] = ()) -> StatusUpdate:
        """Save this new update with its evidence in one transaction, or save nothing.

        Each piece of evidence needs a source and a quote. Without as_of_precision (None) the
        update is dated as precisely as its most precise source; a finer precision is refused.
        `incidents` are those of the incident log it rests on, of the commitment's agreement.
        """
        evidence = list(evidence)
        if not evidence:
            raise ValidationError(EVIDENCE_REQUIRED)
        incidents = list(incidents)
        if problem := self.incidents_problem(incidents):
            raise ValidationError({"incidents": problem})
        for item in evidence:
            item.check_quotable()
        finest = finest_precision(item.source.published_on_precision for item in evidence)
        if not self.as_of_precision:
            self.as_of_precision = finest
        elif is_finer(self.as_of_precision, finest):
            raise ValidationError(
                {
                    "as_of_precision": _(
                        "Its sources date it no more precisely than '%(precision)s': choose that precision "
                        "(or a coarser one), or leave it empty to take the sources' precision."
                    )
                    % {"precision": DatePrecision(finest).label}
                }
            )
        if self.predates_signing():
            raise ValidationError({"as_of": _("An assessment cannot predate the agreement's signing.")})
        self._evidence = evidence
        self.save()
        if incidents:
            self.incidents.set(incidents)
        return self

    def incidents_problem(self, incidents: Iterable[Incident]) -> str | None:
        """Return why an assessment cannot rest on `incidents`, if it cannot: one is of another agreement."""
        agreement_id = self.commitment.provision.agreement_id if self.commitment_id else None
        foreign = [incident for incident in incidents if incident.agreement_id != agreement_id]
        if foreign:
            return _("An assessment rests only on incidents of its own agreement: %(incidents)s is not.") % {
                "incidents": ", ".join(str(incident) for incident in foreign)
            }
        return None

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        evidence = getattr(self, "_evidence", None)
        if self._state.adding and not evidence:
            raise ValidationError(EVIDENCE_REQUIRED)
        super().save(*args, **kwargs)
        if evidence:
            for item in evidence:
                item.status_update = self
                item.save(refresh=False)
            del self._evidence
        self.commitment.refresh_status()


class QuotedPassage(models.Model):
    """The rules of a quoted passage of a source, and whose words it is: the evidence of an
    assessment (Evidence) and of an incident (IncidentEvidence) meet the same ones. Subclasses
    have `source`, `quote`, `is_verbatim`, `speech_kind` and `speaker`."""

    # What the quote must support, for the message when it is missing.
    QUOTE_REQUIRED = _("Quote the passage of the source that supports the assessment.")

    class Meta:
        abstract = True

    def check_quotable(self) -> None:
        """Raise ValidationError unless this evidence has a source and a quote, and says whose words they are."""
        errors = {}
        if not self.source_id:
            errors["source"] = _("Name the source of the evidence.")
        if not (self.quote or "").strip():
            errors["quote"] = self.QUOTE_REQUIRED
        if errors:
            raise ValidationError(errors)
        self.clean()

    def clean(self) -> None:
        if not (self.quote or "").strip():
            raise ValidationError({"quote": self.QUOTE_REQUIRED})
        if self.speech_kind in (SpeechKind.DIRECT, SpeechKind.REPORTED) and not self.speaker_id:
            raise ValidationError({"speaker": _("Name the speaker whose words these are.")})
        if self.speech_kind in (SpeechKind.SOURCE, "") and self.speaker_id:
            raise ValidationError(
                {
                    "speaker": _(
                        "The source's own words have no speaker: choose a speaker's words, or leave the speaker empty."
                    )
                }
            )
        if self.speech_kind == SpeechKind.DIRECT and not self.is_verbatim:
            raise ValidationError(
                {"is_verbatim": _("A speaker's own words are quoted word for word; a summary is the source's report.")}
            )


class Evidence(QuotedPassage):
    """A quoted passage of a source that supports a status update, and whose words it is."""

    status_update = models.ForeignKey(StatusUpdate, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    quote = models.TextField(help_text=_("The passage, word for word."))
    # Some reports are known by outlet and date only (a TV bulletin, an agency wire
    # the tracker does not hold). Their evidence is the monitor's summary of what was
    # reported, shown as such and never in quotation marks.
    is_verbatim = models.BooleanField(
        _("word for word"),
        default=True,
        help_text=_("Untick when the text summarises a report whose wording the tracker does not hold."),
    )
    speech_kind = models.CharField(
        _("whose words"),
        max_length=8,
        choices=SpeechKind.choices,
        blank=True,
        default=SpeechKind.SOURCE,
        help_text=_("The source's own words, a speaker's words quoted directly, or the source's report of them."),
    )
    speaker = models.ForeignKey(
        Speaker,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
        help_text=_("Who is speaking, when the passage is a speaker's words."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return f"{self.source.publisher}: {self.quote[:60]}"

    def is_published(self) -> bool:
        """Return True if the assessment this evidence supports is published."""
        return self.status_update.is_published()

    @transaction.atomic
    def save(self, *args, refresh: bool = True, **kwargs) -> None:
        super().save(*args, **kwargs)
        if refresh:  # evidence added to a recorded update can make it count
            self.status_update.commitment.refresh_status()

    @transaction.atomic
    def delete(self, *args, **kwargs):
        commitment = self.status_update.commitment
        result = super().delete(*args, **kwargs)
        commitment.refresh_status()  # an update left without evidence no longer counts
        return result


class ClaimQuerySet(ReviewableQuerySet):
    def uncorrected(self) -> ClaimQuerySet:
        """Return the claims that no published claim corrects (a draft correction corrects nothing yet)."""
        return self.exclude(Exists(Claim.objects.published().filter(corrects=OuterRef("pk"))))

    def by_party(self, party: Party) -> ClaimQuerySet:
        """Return the published claims made for `party` (its scorecard)."""
        return self.published().filter(party=party)

    def by_speaker(self, speaker: Speaker) -> ClaimQuerySet:
        """Return what `speaker` said, as published (the speaker's page)."""
        return self.published().filter(speaker=speaker)

    def conflicting(self) -> ClaimQuerySet:
        """Return published claims that conflict with the text or another published claim (see
        Claim.is_conflicting). Drafts neither conflict nor are conflicted with."""
        other_position_nearby = (
            Claim.objects.published()
            .uncorrected()
            .filter(
                commitment=OuterRef("commitment"),
                stated_on__gte=OuterRef("window_start"),
                stated_on__lte=OuterRef("window_end"),
            )
            .exclude(position=OuterRef("position"))
        )
        return (
            self.alias(
                window_start=models.ExpressionWrapper(
                    models.F("stated_on") - DISPUTE_WINDOW, output_field=models.DateField()
                ),
                window_end=models.ExpressionWrapper(
                    models.F("stated_on") + DISPUTE_WINDOW, output_field=models.DateField()
                ),
            )
            .filter(Q(position=Claim.Position.REINTERPRETS) | Exists(other_position_nearby))
            .published()
            .uncorrected()
        )

    def contesting(self) -> ClaimQuerySet:
        """Return published claims that contradict their commitment's current assessment (see Claim.contests)."""
        begun = StatusUpdate.objects.standing().filter(commitment=OuterRef("commitment"), status__in=BEGUN_STATUSES)
        never_begun = Q(position__in=PROGRESS_POSITIONS, commitment__current_status__in=NEVER_BEGUN_STATUSES) & ~Exists(
            begun
        )
        contradicts = Q()
        for position, statuses in CONTRADICTED_STATUSES.items():
            contradicts |= Q(
                position=position,
                commitment__current_status__in=statuses,
                stated_on__gte=F("commitment__status_as_of"),
            )
        return self.filter(never_begun | contradicts).published().uncorrected()


class Claim(Reviewable):
    """What a party's official said about a commitment, with the quoted source. Append-only."""

    class Position(models.TextChoices):
        KEPT = "kept", _("Says it is kept")
        UNDER_WAY = "under_way", _("Says it is under way")
        NOT_STARTED = "not_started", _("Says it has not begun")
        BROKEN = "broken", _("Says it is broken")
        REINTERPRETS = "reinterprets", _("Says it means something else")

    # A claim is a speaker's words: quoted directly, or as the source reports them.
    SPEECH_KINDS = [
        (SpeechKind.DIRECT.value, SpeechKind.DIRECT.label),
        (SpeechKind.REPORTED.value, SpeechKind.REPORTED.label),
    ]

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="claims")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="claims")
    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, related_name="claims")
    speech_kind = models.CharField(
        _("whose words"),
        max_length=8,
        choices=SPEECH_KINDS,
        blank=True,
        default=SpeechKind.DIRECT,
        help_text=_("The speaker's own words, or the source's report of them."),
    )
    stated_on = models.DateField()
    stated_on_precision = models.CharField(
        _("date precision"),
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_(
            "No more precise than the source: a source that gives only the month dates the claim to the month."
        ),
    )
    position = models.CharField(max_length=16, choices=Position.choices)
    summary = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="claims")
    quote = models.TextField()
    # As for evidence: a report known by outlet and date only gives what was said in the monitor's
    # summary, shown as such ("Reported: …"), never in quotation marks.
    is_verbatim = models.BooleanField(
        _("word for word"),
        default=True,
        help_text=_("Untick when the text summarises a report whose wording the tracker does not hold."),
    )
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="corrected_by"
    )
    correction_reason = models.TextField(
        blank=True,
        help_text=_("For a correction: what was wrong with the corrected entry (shown in the public corrections log)."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = ClaimQuerySet.as_manager()

    class Meta(Reviewable.Meta):
        ordering = ["stated_on", "id"]
        indexes = [
            models.Index(fields=["commitment", "stated_on"], name="claim_commitment_stated"),
            # The home page's latest claims and the API's list, newest first.
            models.Index(fields=["-stated_on", "-id"], name="claim_latest"),
            models.Index(fields=["-recorded_at", "-id"], name="claim_recorded"),  # the Atom feeds
        ]

    def __str__(self) -> str:
        return f"{self.speaker}, {iso_date(self.stated_on, self.stated_on_precision)}: {self.get_position_display()}"

    def display_stated_on(self) -> str:
        return format_date(self.stated_on, self.stated_on_precision)

    def chooser_label(self) -> str:
        """Return what a monitor needs to recognise the claim (a correction's target)."""
        return (
            f"{self.commitment.chooser_label()} · {self.speaker} ({self.party}) · {self.get_position_display()} · "
            f"{self.display_stated_on()} · “{first_words(self.summary)}”"
        )

    def is_conflicting(self, claims: list[Claim]) -> bool:
        """Return True if this claim disputes what the text says, or one of `claims` about the
        same commitment takes another position within DISPUTE_WINDOW of it."""
        if self.position == self.Position.REINTERPRETS:
            return True
        return any(
            other.commitment_id == self.commitment_id
            and other.position != self.position
            and abs(other.stated_on - self.stated_on) <= DISPUTE_WINDOW
            for other in claims
        )

    def contest_rule(self, commitment: Commitment, ever_begun: bool) -> str | None:
        """Return which rule makes this claim contradict the commitment's current assessment, if one does:
        "never_begun" (it claims progress on a commitment the tracker has never found begun) or
        "contradicts" (its position contradicts the current status, dated on or before the claim).
        The table is CONTRADICTED_STATUSES; ClaimQuerySet.contesting() is the SQL form."""
        status, as_of = commitment.current_status, commitment.status_as_of
        if status == Status.NOT_ASSESSED or as_of is None:
            return None
        if self.position in PROGRESS_POSITIONS and status in NEVER_BEGUN_STATUSES and not ever_begun:
            return "never_begun"
        if status in CONTRADICTED_STATUSES.get(self.position, ()) and self.stated_on >= as_of:
            return "contradicts"
        return None

    def contests(self, commitment: Commitment, ever_begun: bool) -> bool:
        """Return True if this claim contradicts the tracker's current assessment of its commitment."""
        return self.contest_rule(commitment, ever_begun) is not None

    def contest_reason(self, commitment: Commitment, ever_begun: bool) -> str:
        """Return, in words, why this claim contests the current assessment ("" if it does not)."""
        rule = self.contest_rule(commitment, ever_begun)
        values = {
            "party": self.party,
            "position": self.get_position_display().lower(),
            "status": commitment.get_current_status_display().lower(),
            "as_of": format_date(commitment.status_as_of),
        }
        if rule == "never_begun":
            return (
                _(
                    "%(party)s %(position)s, but the tracker has never found it begun: its current "
                    "assessment is %(status)s (as of %(as_of)s)."
                )
                % values
            )
        if rule == "contradicts":
            return (
                _(
                    "%(party)s %(position)s, which contradicts the tracker's current assessment: "
                    "%(status)s (as of %(as_of)s)."
                )
                % values
            )
        return ""

    def problems(self) -> dict[str, str]:
        """Return what keeps this claim from being recorded: no source, quote or speaker, a speaker of
        another party, the source's own words, or a date more precise than the source."""
        errors = {}
        source = assigned(self, "source")
        if source is None:
            errors["source"] = _("Name the source that reports the claim.")
        if not (self.quote or "").strip():
            errors["quote"] = _("Quote what was said, as the source gives it.")
        if not self.speaker_id:
            errors["speaker"] = _("Name who said it.")
        elif self.party_id and self.speaker.party_id != self.party_id:
            errors["speaker"] = _("%(speaker)s speaks for %(their)s, not for the claim's party.") % {
                "speaker": self.speaker,
                "their": self.speaker.party,
            }
        if self.speech_kind == SpeechKind.SOURCE:
            errors["speech_kind"] = _("A claim is a speaker's words: quoted directly or as the source reports them.")
        if self.speech_kind == SpeechKind.DIRECT and not self.is_verbatim:
            errors["is_verbatim"] = _(
                "A speaker's own words are quoted word for word; a summary is the source's report."
            )
        if source is not None and is_finer(self.stated_on_precision, source.published_on_precision):
            errors["stated_on_precision"] = _(
                "The source is dated no more precisely than '%(precision)s': date the claim no more precisely."
            ) % {"precision": DatePrecision(source.published_on_precision).label}
        return errors

    def clean(self) -> None:
        errors = self.problems()
        if errors:
            raise ValidationError(errors)
        if self.stated_on and self.stated_on > timezone.now().date() + dt.timedelta(days=1):
            raise ValidationError({"stated_on": _("A claim cannot be dated in the future.")})

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        if self._state.adding:
            # Below the forms: the admin, the seed loader and a shell meet the same rule.
            errors = self.problems()
            if errors:
                raise ValidationError(errors)
        super().save(*args, **kwargs)
        # Created, published (review.publish() saves it), correcting another: disputed, contested
        # and the agreement's latest activity may change, of the corrected claim's commitment too.
        self.commitment.refresh_flags()
        if self.corrects_id is not None and self.corrects.commitment_id != self.commitment_id:
            self.corrects.commitment.refresh_flags()


def refresh_after_delete(sender, instance: models.Model, **kwargs) -> None:
    """Keep the stored states true when a status update, a claim or a commitment is deleted, however
    it is deleted (a model's delete(), a queryset's, or the cascade of a provision's): connected to
    post_delete (commitments/apps.py), so it runs inside the deleting transaction. (Evidence.delete()
    refreshes its commitment itself.)"""
    if isinstance(instance, StatusUpdate | Claim):
        commitment = Commitment.objects.select_related("provision__agreement").filter(pk=instance.commitment_id).first()
        if commitment is None:  # deleted with its commitment
            return
        if isinstance(instance, StatusUpdate):
            commitment.refresh_status()  # stores the flags and the agreement's latest activity too
        else:
            commitment.refresh_flags()
    elif isinstance(instance, Commitment):
        Agreement.objects.filter(pk=instance.provision_agreement_id).refresh_latest_activity()


# Which claimed positions contradict which assessed statuses: the one place the tracker says so
# (the methodology page quotes it). A claim contradicts the current assessment when
# - its position's statuses below include the current status, and the claim was made on or
#   after the date of that assessment (an earlier claim may have been true when it was made), or
# - it claims progress (kept, under way) on a commitment the tracker has assessed but never found
#   begun: its current status is "not started" or "ended", and no standing assessment ever said
#   minimal, intermediate or fulfilled (whenever the claim was made).
# "Says it means something else" contradicts the text, not an assessment: it makes "disputed".
CONTRADICTED_STATUSES: dict[str, frozenset[str]] = {
    Claim.Position.KEPT: frozenset({Status.NOT_STARTED, Status.VIOLATED}),
    Claim.Position.UNDER_WAY: frozenset({Status.NOT_STARTED}),
    Claim.Position.NOT_STARTED: frozenset({Status.MINIMAL, Status.INTERMEDIATE, Status.FULFILLED}),
    Claim.Position.BROKEN: frozenset({Status.FULFILLED}),
}
PROGRESS_POSITIONS = frozenset({Claim.Position.KEPT, Claim.Position.UNDER_WAY})
NEVER_BEGUN_STATUSES = frozenset({Status.NOT_STARTED, Status.ENDED})
BEGUN_STATUSES = frozenset({Status.MINIMAL, Status.INTERMEDIATE, Status.FULFILLED})


# Accounts are audited too: who created, changed or deactivated a monitor, and when.
# Password hashes and login times stay out of the record.
register_history(
    get_user_model(),
    app="commitments",
    table_name="commitments_historicaluser",
    excluded_fields=["password", "last_login"],
)


class SearchEntry(models.Model):
    """One searchable record (a commitment, a point's text, an assessment with its quoted evidence,
    a claim, a source, a party, a speaker…) as the search box finds it: commitments/search.py keeps
    one row per record true on every write (signals inside the writing transaction; bulk writers
    call search.reindex()). The full-text index over title and body is the database's own:
    PostgreSQL a generated tsvector column with a GIN index, SQLite an FTS5 table kept by triggers
    (migration 0029), so every write of this table updates it in the same transaction."""

    kind = models.CharField(max_length=16)
    object_id = models.BigIntegerField()
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=500)
    body = models.TextField(blank=True)
    path = models.CharField(max_length=300, help_text=_("Where the record is shown on the site."))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")]
        indexes = [models.Index(fields=["agreement", "kind"], name="search_entry_agreement_kind")]
        verbose_name_plural = "search entries"

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id}: {self.title}"


class DataVersion(models.Model):
    """One row whose counter goes up with every write of what the public pages show.

    Public pages are cached and open data carries ETags under this version
    (commitments.http). It is bumped by signals (commitments/apps.py) inside the writing
    transaction, so it becomes visible exactly when the data does; bulk writes that skip
    signals (make_synthetic_data) bump it themselves.
    """

    version = models.PositiveBigIntegerField(default=0)
    # When the version last moved: the `updated` date of a feed with no entries.
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"data version {self.version}"

    @classmethod
    def bump_unless_draft(cls, instance=None, **kwargs) -> None:
        """Bump the version (a signal receiver), unless the write is of an unpublished entry: a draft
        changes nothing the public sees. Publishing it bumps the version (review.publish())."""
        is_published = getattr(instance, "is_published", None)
        try:
            if is_published is not None and not is_published():
                return
        except ObjectDoesNotExist:  # evidence whose assessment is being deleted with it
            pass
        cls.bump()

    @classmethod
    def bump(cls, **kwargs) -> None:
        """Increase the version (a signal receiver). It stamps the time of the write it is part
        of, as `recorded_at` defaults do."""
        moved = {"version": models.F("version") + 1, "changed_at": timezone.now()}
        if not cls.objects.filter(pk=1).update(**moved):
            cls.objects.get_or_create(pk=1)  # a flushed test database has no row
            cls.objects.filter(pk=1).update(**moved)

    @classmethod
    def current(cls) -> int:
        """Return the version. Every cached page and API answer reads it, so it is one plain
        statement: building the ORM query cost more than running it."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT version FROM {table} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row else 0

    @classmethod
    def last_change(cls) -> dt.datetime | None:
        """Return when anything the public sees was last written (None before the first write)."""
        return cls.objects.filter(pk=1).values_list("changed_at", flat=True).first()


# --- The incident log -------------------------------------------------------------------
# Ceasefire monitors record incidents, the unit of their daily reports, in the terms of ACLED
# (commitments/acled.py): when and where, what kind, which actors, who alleges it against whom,
# the casualties reported, the commitments it bears on, and the quoted evidence. How well it is
# verified is derived from its sources (verification_of), like an assessment's support.


class Verification(models.TextChoices):
    """How well an incident is verified (Incident.verification())."""

    ALLEGED = "alleged", _("Alleged")
    CORROBORATED = "corroborated", _("Corroborated")
    CONFIRMED = "confirmed", _("Confirmed")


# What each level means (the methodology page and the incident pages say it).
VERIFICATION_DEFINITIONS = {
    Verification.ALLEGED: _(
        "One party's word, or one source: no independent source corroborates it (party sources count once per party)."
    ),
    Verification.CORROBORATED: _(
        "Reported by at least two independent sources, at least one of them independent of the parties."
    ),
    Verification.CONFIRMED: _(
        "Established by an independent monitoring mission or a court: a monitor's report or a court "
        "document whose publisher speaks for no party."
    ),
}

# Sources of these kinds confirm an incident, when their publisher speaks for no party.
CONFIRMING_SOURCE_KINDS = frozenset({Source.Kind.COURT_DOCUMENT, Source.Kind.MONITOR_REPORT})


def verification_of(sources: Iterable[Source]) -> str:
    """Return how well `sources` verify an incident (IncidentQuerySet.with_verification in SQL):
    confirmed by an independent court or monitor, corroborated by independent sources (the
    support rule, support_of: different voices, one of them independent of the parties), or
    alleged."""
    sources = list(sources)
    if any(source.kind in CONFIRMING_SOURCE_KINDS and source.affiliated_party_id is None for source in sources):
        return Verification.CONFIRMED
    if support_of(sources).level == Support.CORROBORATED:
        return Verification.CORROBORATED
    return Verification.ALLEGED


class IncidentQuerySet(ReviewableQuerySet):
    def on_record(self) -> IncidentQuerySet:
        """Return the incidents every public surface shows and counts: published, with evidence.

        The one filter the pages, the chart, feeds, exports and API apply to incidents.
        """
        return self.published().filter(Exists(IncidentEvidence.objects.filter(incident=OuterRef("pk"))))

    def alleged_by_party(self, party: Party) -> IncidentQuerySet:
        """Return the incidents on record that `party` alleges (its scorecard)."""
        return self.on_record().filter(alleged_by=party)

    def alleged_against_party(self, party: Party) -> IncidentQuerySet:
        """Return the incidents on record alleged against `party` (its scorecard)."""
        return self.on_record().filter(alleged_against=party)

    def with_verification(self) -> IncidentQuerySet:
        """Annotate verification_level (Incident.verification(), verification_of())."""
        if "verification_level" in self.query.annotations:
            return self
        evidence = IncidentEvidence.objects.filter(incident=OuterRef("pk"))
        voices = (
            evidence.order_by()
            .values("incident")
            .annotate(n=Count(source_voice("source__"), distinct=True))
            .values("n")[:1]
        )
        return self.annotate(
            independent_voices=Coalesce(Subquery(voices), 0),
            has_independent_source=Exists(evidence.filter(source__affiliated_party__isnull=True)),
            is_confirmed=Exists(
                evidence.filter(source__kind__in=CONFIRMING_SOURCE_KINDS, source__affiliated_party__isnull=True)
            ),
        ).annotate(
            verification_level=Case(
                When(is_confirmed=True, then=Value(Verification.CONFIRMED)),
                When(has_independent_source=True, independent_voices__gte=2, then=Value(Verification.CORROBORATED)),
                default=Value(Verification.ALLEGED),
                output_field=models.CharField(),
            )
        )

    def verified_as(self, level: str) -> IncidentQuerySet:
        """Return the incidents whose verification is `level`."""
        return self.with_verification().filter(verification_level=level)

    def for_display(self) -> IncidentQuerySet:
        """Return these incidents with what a row or page shows: agreement, actors, parties, the
        commitments it bears on, evidence, casualty reports and verification."""
        return (
            self.select_related("agreement", "actor1", "actor2", "alleged_by", "alleged_against")
            .prefetch_related(
                "assoc_actors_1",
                "assoc_actors_2",
                Prefetch("commitments", queryset=Commitment.objects.select_related("provision").order_by("pk")),
                Prefetch(
                    "evidence",
                    queryset=IncidentEvidence.objects.select_related("source", "speaker__party").order_by("pk"),
                ),
                Prefetch("casualty_reports", queryset=CasualtyReport.objects.select_related("source").order_by("pk")),
            )
            .with_verification()
        )

    def weekly_counts(self) -> list[tuple[dt.date, int]]:
        """Return (Monday, number of incidents) for each week holding incidents dated to a day or a
        week, oldest first (one grouped query). Incidents dated only to a month are left out."""
        rows = (
            self.filter(time_precision__in=[TimePrecision.DAY, TimePrecision.WEEK])
            .annotate(week=TruncWeek("occurred_on"))
            .order_by()
            .values("week")
            .annotate(n=Count("pk"))
            .order_by("week")
        )
        return [(_as_date(row["week"]), row["n"]) for row in rows]


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _coordinate_validators(limit: int) -> list:
    return [MinValueValidator(Decimal(-limit)), MaxValueValidator(Decimal(limit))]


EVIDENCE_REQUIRED_FOR_INCIDENT = _(
    "An incident is recorded together with at least one piece of evidence: a source and the passage "
    "quoted from it. Nothing was saved."
)


class Incident(Reviewable):
    """Something that happened on the ground, as ACLED codes an event: when, where, what kind,
    which actors, who alleges it against whom, the casualties reported, the commitments it bears
    on, and the evidence for it. Append-only, like an assessment.

    Written only together with its evidence (record()): save() refuses a new incident without it,
    whoever calls it (the admin, the seed loader, a shell).
    """

    TimePrecision = TimePrecision
    GeoPrecision = GeoPrecision

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="incidents")
    # When: the day in the agreement's time zone, as precisely as the sources date it.
    occurred_on = models.DateField(
        _("date"),
        help_text=_("The day it happened; for a week, its Monday; for a month, its first day."),
    )
    time_precision = models.PositiveSmallIntegerField(
        choices=TimePrecision.choices,
        default=TimePrecision.DAY,
        help_text=_("ACLED's time precision: how precisely the sources date it."),
    )
    occurred_at = models.DateTimeField(
        _("moment"), null=True, blank=True, help_text=_("The moment it happened, when the sources give the time.")
    )
    ended_on = models.DateField(
        _("last day"), null=True, blank=True, help_text=_("For an incident over several days: its last day.")
    )
    # Where: ACLED's location fields.
    country = models.CharField(max_length=100)
    admin1 = models.CharField(_("first-level administrative area"), max_length=200, blank=True)
    admin2 = models.CharField(_("second-level administrative area"), max_length=200, blank=True)
    admin3 = models.CharField(_("third-level administrative area"), max_length=200, blank=True)
    location = models.CharField(_("place"), max_length=200, help_text=_("The place name, as precise as known."))
    latitude = models.DecimalField(
        max_digits=8, decimal_places=5, null=True, blank=True, validators=_coordinate_validators(90)
    )
    longitude = models.DecimalField(
        max_digits=8, decimal_places=5, null=True, blank=True, validators=_coordinate_validators(180)
    )
    geo_precision = models.PositiveSmallIntegerField(
        choices=GeoPrecision.choices, help_text=_("ACLED's geo-precision: how precisely the sources place it.")
    )
    # What kind: ACLED's event types and sub-event types (a sub-event type of its event type).
    event_type = models.CharField(max_length=32, choices=EventType.choices, db_index=True)
    sub_event_type = models.CharField(max_length=48, choices=SubEventType.choices)
    # Who: ACLED's actors, with no direction implied (neither is the attacker).
    actor1 = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents_as_actor1"
    )
    assoc_actors_1 = models.ManyToManyField(
        Party, blank=True, related_name="incidents_with_actor1", verbose_name=_("associated actors of actor 1")
    )
    actor2 = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents_as_actor2"
    )
    assoc_actors_2 = models.ManyToManyField(
        Party, blank=True, related_name="incidents_with_actor2", verbose_name=_("associated actors of actor 2")
    )
    # Apart from the actors: whose allegation it is, and against whom.
    alleged_by = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents_alleged",
        help_text=_("The party that alleges it; empty when no party does (reported by the press or a monitor)."),
    )
    alleged_against = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents_alleged_against",
        help_text=_("The party it is alleged against (held responsible)."),
    )
    summary = models.TextField(help_text=_("What happened, in the tracker's words (ACLED's notes)."))
    commitments = models.ManyToManyField(
        Commitment,
        blank=True,
        related_name="incidents",
        help_text=_("The commitments of the agreement it bears on: a ceasefire, safe passage along a corridor…"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords(m2m_fields=[assoc_actors_1, assoc_actors_2, commitments])
    objects = IncidentQuerySet.as_manager()

    class Meta(Reviewable.Meta):
        ordering = ["-occurred_on", "-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["agreement", "-occurred_on"], name="incident_agreement_date"),
            models.Index(fields=["-recorded_at", "-id"], name="incident_recorded"),  # the Atom feeds
        ]

    def __str__(self) -> str:
        return f"{self.get_sub_event_type_display()}, {self.location}, {self.iso_date()}"

    def agreement_of(self) -> Agreement:
        return self.agreement

    def get_absolute_url(self) -> str:
        return reverse("dashboard:incident_detail", args=[self.pk])

    # --- dates ---------------------------------------------------------------------

    def date_precision(self) -> str:
        """Return the DatePrecision the time precision allows (a week is shown as its Monday's week)."""
        return DatePrecision.MONTH if self.time_precision == TimePrecision.MONTH else DatePrecision.DAY

    def iso_date(self) -> str:
        """Return the date in ISO 8601 at its precision: 2022-12-12, 2023-09, or 2022-W50 for a week."""
        if self.time_precision == TimePrecision.WEEK:
            year, week, _day = self.occurred_on.isocalendar()
            return f"{year}-W{week:02d}"
        return iso_date(self.occurred_on, self.date_precision())

    def display_date(self) -> str:
        """Return the date in words, only as precisely as the sources allow: "Dec. 12, 2022",
        "Sept. 19, 2023 – Sept. 20, 2023", "the week of Dec. 12, 2022", "September 2023"."""
        if self.time_precision == TimePrecision.WEEK:
            return _("the week of %(monday)s") % {"monday": format_date(self.occurred_on)}
        if self.time_precision == TimePrecision.MONTH:
            return format_date(self.occurred_on, DatePrecision.MONTH)
        if self.ended_on and self.ended_on != self.occurred_on:
            return f"{format_date(self.occurred_on)} – {format_date(self.ended_on)}"
        return format_date(self.occurred_on)

    def disorder_type(self) -> str:
        return disorder_type(self.event_type, self.sub_event_type)

    def place(self) -> str:
        """Return where, from the place to the country: "Lachin corridor, Lachin District, Azerbaijan"."""
        parts = [self.location, self.admin3, self.admin2, self.admin1, self.country]
        return ", ".join(dict.fromkeys(part for part in parts if part))

    # --- derived ----------------------------------------------------------------------

    def verification(self) -> str:
        """Return how well the evidence's sources verify it (IncidentQuerySet.with_verification in SQL)."""
        return verification_of(item.source for item in self.evidence.all())

    def casualties(self) -> Casualties:
        """Return the casualty figures used and the reports behind them (ACLED's conservative rule)."""
        return Casualties(list(self.casualty_reports.all()))

    # --- rules ------------------------------------------------------------------------

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.event_type and self.sub_event_type and not sub_event_type_fits(self.event_type, self.sub_event_type):
            errors["sub_event_type"] = _("“%(sub)s” is not a kind of “%(event)s”: choose one of %(choices)s.") % {
                "sub": SubEventType(self.sub_event_type).label,
                "event": EventType(self.event_type).label,
                "choices": ", ".join(SubEventType(sub).label for sub in SUB_EVENT_TYPES[self.event_type]),
            }
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = _(
                "Give both coordinates (latitude and longitude, WGS84), or neither."
            )
        if self.occurred_on:
            errors.update(self._date_problems())
        if self.alleged_by_id and self.alleged_by_id == self.alleged_against_id:
            errors["alleged_against"] = _("A party does not allege an incident against itself.")
        if errors:
            raise ValidationError(errors)

    def _date_problems(self) -> dict[str, str]:
        errors = {}
        precision = self.time_precision
        if precision == TimePrecision.WEEK and self.occurred_on.weekday() != 0:
            errors["occurred_on"] = _("For a week, enter its Monday.")
        if precision == TimePrecision.MONTH and self.occurred_on.day != 1:
            errors["occurred_on"] = _("For a month, enter its first day.")
        if self.ended_on is not None:
            if precision != TimePrecision.DAY:
                errors["ended_on"] = _("Only an incident dated to the day can have a last day.")
            elif self.ended_on < self.occurred_on:
                errors["ended_on"] = _("The last day cannot be before the first.")
        if self.agreement_id:
            if self.occurred_at is not None:
                if precision != TimePrecision.DAY:
                    errors["occurred_at"] = _("Only an incident dated to the day can have a moment.")
                elif self.agreement.local_today(self.occurred_at) != self.occurred_on:
                    errors["occurred_at"] = _(
                        "The moment falls on %(day)s in the agreement's time zone (%(zone)s), not on the date given."
                    ) % {"day": self.agreement.local_today(self.occurred_at), "zone": self.agreement.time_zone}
            if self.occurred_on > self.agreement.local_today(timezone.now()):
                errors["occurred_on"] = _("An incident cannot be dated in the future.")
        return errors

    def precision_problem(self, sources: Iterable[Source]) -> str | None:
        """Return why the sources cannot date the incident this precisely, if they cannot: a
        source dated only to the month dates it to the month; one dated only to the year cannot."""
        finest = finest_precision(source.published_on_precision for source in sources)
        if finest == DatePrecision.YEAR:
            return _("Its sources give only the year; ACLED's coarsest precision is a month: cite a dated source.")
        if finest == DatePrecision.MONTH and self.time_precision != TimePrecision.MONTH:
            return _("Its sources date it no more precisely than the month: choose 'A month'.")
        return None

    def sources_problem(self, sources: Iterable[Source]) -> str | None:
        """Return why a source cannot report this incident, if one cannot: it was published before
        the incident began (compared at the source's precision, as for a deadline change)."""
        for source in sources:
            precision = source.published_on_precision
            if truncate_date(source.published_on, precision) < truncate_date(self.occurred_on, precision):
                return _(
                    "%(source)s was published on %(published)s, before the incident (%(date)s): a source "
                    "cannot report what had not yet happened."
                ) % {
                    "source": source.publisher,
                    "published": format_date(source.published_on, precision),
                    "date": self.display_date(),
                }
        return None

    def commitments_problem(self, commitments: Iterable[Commitment]) -> str | None:
        """Return why the incident cannot bear on `commitments`, if it cannot: one is of another agreement."""
        foreign = [c for c in commitments if c.provision.agreement_id != self.agreement_id]
        if foreign:
            return _("An incident bears only on commitments of its own agreement: %(titles)s is not.") % {
                "titles": ", ".join(str(c) for c in foreign)
            }
        return None

    @transaction.atomic
    def record(
        self,
        evidence: Iterable[IncidentEvidence],
        *,
        commitments: Iterable[Commitment] = (),
        casualty_reports: Iterable[CasualtyReport] = (),
        assoc_actors_1: Iterable[Party] = (),
        assoc_actors_2: Iterable[Party] = (),
    ) -> Incident:
        """Save this new incident with its evidence, the commitments it bears on, its casualty
        reports and associated actors, in one transaction; or save nothing.

        Each piece of evidence needs a source and a quote, and says whose words it is (the same
        rules as an assessment's); the date is no more precise than the sources.
        """
        evidence, commitments = list(evidence), list(commitments)
        if not evidence:
            raise ValidationError(EVIDENCE_REQUIRED_FOR_INCIDENT)
        for item in evidence:
            item.check_quotable()
        self.full_clean(exclude=["agreement"] if not self.agreement_id else None)
        if problem := self.precision_problem(item.source for item in evidence):
            raise ValidationError({"time_precision": problem})
        reports = list(casualty_reports)
        if problem := self.sources_problem([*(item.source for item in evidence), *(r.source for r in reports)]):
            raise ValidationError({"occurred_on": problem})
        if problem := self.commitments_problem(commitments):
            raise ValidationError({"commitments": problem})
        for report in reports:
            report.full_clean(exclude=["incident"])
        self._evidence = evidence
        self.save()
        for report in reports:
            report.incident = self
            report.save()
        self.commitments.set(commitments)
        self.assoc_actors_1.set(assoc_actors_1)
        self.assoc_actors_2.set(assoc_actors_2)
        return self

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        evidence = getattr(self, "_evidence", None)
        if self._state.adding and not evidence:
            raise ValidationError(EVIDENCE_REQUIRED_FOR_INCIDENT)
        super().save(*args, **kwargs)
        if evidence:
            for item in evidence:
                item.incident = self
                item.save()
            del self._evidence


class IncidentEvidence(QuotedPassage):
    """A quoted passage of a source that reports an incident, and whose words it is (the rules of
    an assessment's evidence, QuotedPassage)."""

    QUOTE_REQUIRED = _("Quote the passage of the source that reports the incident.")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="incident_evidence")
    quote = models.TextField(help_text=_("The passage, word for word."))
    is_verbatim = models.BooleanField(
        _("word for word"),
        default=True,
        help_text=_("Untick when the text summarises a report whose wording the tracker does not hold."),
    )
    speech_kind = models.CharField(
        _("whose words"),
        max_length=8,
        choices=SpeechKind.choices,
        default=SpeechKind.SOURCE,
        help_text=_("The source's own words, a speaker's words quoted directly, or the source's report of them."),
    )
    speaker = models.ForeignKey(
        Speaker,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incident_evidence",
        help_text=_("Who is speaking, when the passage is a speaker's words."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("incident evidence")
        verbose_name_plural = _("incident evidence")

    def __str__(self) -> str:
        return f"{self.source.publisher}: {self.quote[:60]}"


class CasualtyReport(models.Model):
    """What one source reports of an incident's dead or injured: a figure, a range, or no figure
    ("unknown"). Every report is kept; the figure used is the lowest (Casualties)."""

    class Kind(models.TextChoices):
        FATALITIES = "fatalities", _("Fatalities")
        INJURIES = "injuries", _("Injuries")

    class Group(models.TextChoices):
        CIVILIANS = "civilians", _("Civilians")
        COMBATANTS = "combatants", _("Combatants")
        ALL = "all", _("Civilians and combatants together, or not said")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="casualty_reports")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    group = models.CharField(max_length=16, choices=Group.choices, default=Group.ALL)
    minimum = models.PositiveIntegerField(
        _("figure"),
        null=True,
        blank=True,
        help_text=_("The figure reported (for a range, its lowest); empty when the source gives none: unknown."),
    )
    maximum = models.PositiveIntegerField(
        _("up to"), null=True, blank=True, help_text=_("For a reported range: its highest figure.")
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="casualty_reports")
    quote = models.TextField(blank=True, help_text=_("The passage that gives the figure, word for word."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "group", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_group_display()}): {self.figure()}"

    def figure(self) -> str:
        """Return the figure as reported: "12", "12–15" or "unknown"."""
        if self.minimum is None:
            return str(_("unknown"))
        if self.maximum is not None:
            return f"{self.minimum}–{self.maximum}"
        return str(self.minimum)

    def clean(self) -> None:
        if self.maximum is not None:
            if self.minimum is None:
                raise ValidationError({"minimum": _("A range needs its lowest figure too.")})
            if self.maximum <= self.minimum:
                raise ValidationError({"maximum": _("The highest figure of a range is above its lowest.")})


def lowest_reported(reports: Iterable[CasualtyReport]) -> int | None:
    """Return the lowest figure any of `reports` gives (for a range, its lowest), None if none gives one."""
    return min((report.minimum for report in reports if report.minimum is not None), default=None)


@dataclass
class Casualties:
    """An incident's casualty reports and the figures used: ACLED's conservative rule, the lowest
    reported figure, the others kept as reports."""

    reports: list[CasualtyReport]

    def of(self, kind: str, group: str) -> list[CasualtyReport]:
        return [report for report in self.reports if report.kind == kind and report.group == group]

    def used(self, kind: str, group: str) -> int | None:
        """Return the figure used for `kind` of `group`: the lowest reported; None is unknown."""
        return lowest_reported(self.of(kind, group))

    def total(self, kind: str) -> int | None:
        """Return the total used for `kind` (ACLED's fatalities column for FATALITIES): the lowest of
        the lowest figure for everyone together and the sum of the lowest figures for civilians and
        for combatants, where sources give them; None (unknown) when no source gives a figure."""
        options = []
        together = self.used(kind, CasualtyReport.Group.ALL)
        if together is not None:
            options.append(together)
        split = [self.used(kind, group) for group in (CasualtyReport.Group.CIVILIANS, CasualtyReport.Group.COMBATANTS)]
        if any(figure is not None for figure in split):
            options.append(sum(figure or 0 for figure in split))
        return min(options, default=None)

    def rows(self) -> list[tuple[str, str, int | None, list[CasualtyReport]]]:
        """Return (kind label, group label, figure used, reports) for each kind and group reported."""
        found = []
        for kind in CasualtyReport.Kind:
            for group in CasualtyReport.Group:
                reports = self.of(kind, group)
                if reports:
                    found.append((kind.label, group.label, lowest_reported(reports), reports))
        return found
