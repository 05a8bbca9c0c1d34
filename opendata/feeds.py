"""Atom feeds of what is recorded: monitors' status updates and the parties' claims,
site-wide, per agreement and per commitment, newest recorded first.

An entry is `published` on the day the event happened (the assessment's as-of date, the day
the claim was made, at the start of that day in the agreement's time zone) and `updated` when
the tracker recorded it, or recorded its correction. Its id comes from natural keys (agreement
slug, commitment code, and the entry's place in that commitment's record), so it stays the
same when the data is reloaded into another database or the site moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commitments.models import Agreement, Claim, Commitment, DataVersion, Evidence, StatusUpdate, end_of_day

FEED_LENGTH = 50
# RFC 4151 tag URIs, minted by the application rather than by the site's host.
TAG_AUTHORITY = "tag:ceasefire-tracker,2020:"
# A feed with no entries and no recorded write yet: updated at the start of the Unix epoch.
NEVER = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def entry_id(item: StatusUpdate | Claim) -> str:
    """Return an entry's permanent id: its commitment's natural key, its kind, and its number in
    that commitment's record of entries of its kind (1 for the first recorded)."""
    kind = "claim" if isinstance(item, Claim) else "status-update"
    commitment = item.commitment
    return f"{TAG_AUTHORITY}{commitment.agreement.slug}/{commitment.code}/{kind}/{item.number_in_record}"


def with_number_in_record(entries: QuerySet) -> QuerySet:
    """Annotate each entry with its number among its commitment's entries of the same kind, in the
    order they were recorded (the order an export writes them and a load creates them)."""
    earlier = (
        entries.model.objects.filter(commitment=OuterRef("commitment"))
        .filter(
            Q(recorded_at__lt=OuterRef("recorded_at")) | Q(recorded_at=OuterRef("recorded_at"), pk__lte=OuterRef("pk"))
        )
        .order_by()
        .values("commitment")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return entries.annotate(number_in_record=Subquery(earlier))


def start_of_day(day: dt.date, tz) -> dt.datetime:
    return end_of_day(day - dt.timedelta(days=1), tz)


class AtomFeed(Atom1Feed):
    """Atom whose feed-level `updated`, when there are no entries, is the last change of the data
    (not the time of the request)."""

    def __init__(self, *args, last_change: Callable[[], dt.datetime | None], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.last_change = last_change

    def latest_post_date(self) -> dt.datetime:
        if self.items:
            return super().latest_post_date()
        return self.last_change() or NEVER


class ChangesFeed(Feed):
    """Status updates and claims about every commitment."""

    feed_type = AtomFeed
    author_name = gettext_lazy("Ceasefire Tracker")
    title = gettext_lazy("Ceasefire Tracker: assessments and claims")
    subtitle = gettext_lazy("New status updates by the monitors, with their evidence, and claims by the parties.")

    def link(self, obj) -> str:
        return reverse("dashboard:home")

    def feed_extra_kwargs(self, obj) -> dict:
        return {"last_change": DataVersion.last_change}

    def scope(self, updates: QuerySet, claims: QuerySet, obj) -> tuple[QuerySet, QuerySet]:
        return updates, claims

    def items(self, obj) -> list[StatusUpdate | Claim]:
        updates = StatusUpdate.objects.select_related(
            "commitment__provision__agreement", "corrects", "corrected_by"
        ).prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("source").order_by("pk")))
        claims = Claim.objects.select_related(
            "commitment__provision__agreement", "party", "source", "corrects", "corrected_by"
        )
        updates, claims = self.scope(updates, claims, obj)
        newest = ("-recorded_at", "-id")
        entries = [
            *with_number_in_record(updates).order_by(*newest)[:FEED_LENGTH],
            *with_number_in_record(claims).order_by(*newest)[:FEED_LENGTH],
        ]
        return sorted(entries, key=lambda entry: entry.recorded_at, reverse=True)[:FEED_LENGTH]

    def item_title(self, item: StatusUpdate | Claim) -> str:
        if isinstance(item, Claim):
            return _("%(commitment)s: %(speaker)s — %(position)s") % {
                "commitment": item.commitment,
                "speaker": item.speaker,
                "position": item.get_position_display(),
            }
        return _("%(commitment)s: %(status)s as of %(date)s") % {
            "commitment": item.commitment,
            "status": item.get_status_display(),
            "date": item.as_of.isoformat(),
        }

    def item_description(self, item: StatusUpdate | Claim) -> str:
        correction = (
            format_html("<p>{}</p>", _("This entry corrects an earlier one, which stays on record."))
            if item.corrects_id
            else ""
        )
        if corrected_by := correction_of(item):
            correction += format_html(
                "<p>{}</p>",
                _("A later entry, recorded on %(date)s, corrects this one.")
                % {"date": corrected_by.recorded_at.date().isoformat()},
            )
        if isinstance(item, Claim):
            return format_html(
                "<p>{}</p><blockquote>{}</blockquote><p>{} {}</p>{}",
                item.summary,
                item.quote,
                _("Source:"),
                item.source,
                correction,
            )
        evidence = format_html_join(
            "",
            "<li>{}: {}</li>",
            (
                (evidence.source, f"“{evidence.quote}”" if evidence.is_verbatim else evidence.quote)
                for evidence in item.evidence.all()
            ),
        )
        return format_html("<p>{}</p><ul>{}</ul>{}", item.summary, evidence, correction)

    def item_link(self, item: StatusUpdate | Claim) -> str:
        return item.commitment.get_absolute_url()

    def item_guid(self, item: StatusUpdate | Claim) -> str:
        return entry_id(item)

    item_guid_is_permalink = False

    def item_pubdate(self, item: StatusUpdate | Claim) -> dt.datetime:
        """When the event happened: the day assessed, or the day the claim was made."""
        day = item.stated_on if isinstance(item, Claim) else item.as_of
        return start_of_day(day, item.commitment.agreement.tz)

    def item_updateddate(self, item: StatusUpdate | Claim) -> dt.datetime:
        """When the tracker recorded the entry, or later recorded its correction."""
        corrected_by = correction_of(item)
        return max(item.recorded_at, corrected_by.recorded_at) if corrected_by else item.recorded_at

    def item_author_name(self, item: StatusUpdate | Claim) -> str | None:
        return item.party.name if isinstance(item, Claim) else None

    def item_categories(self, item: StatusUpdate | Claim) -> list[str]:
        return [item.position if isinstance(item, Claim) else item.status]


def correction_of(item: StatusUpdate | Claim) -> StatusUpdate | Claim | None:
    """Return the entry that corrects `item`, if one does."""
    try:
        return item.corrected_by
    except ObjectDoesNotExist:
        return None


class AgreementChangesFeed(ChangesFeed):
    """Status updates and claims about one agreement's commitments."""

    def get_object(self, request, slug: str) -> Agreement:
        return get_object_or_404(Agreement, slug=slug)

    def title(self, obj: Agreement) -> str:
        return _("%(agreement)s: assessments and claims") % {"agreement": obj}

    def link(self, obj: Agreement) -> str:
        return obj.get_absolute_url()

    def scope(self, updates, claims, obj: Agreement):
        return updates.filter(commitment__provision__agreement=obj), claims.filter(commitment__provision__agreement=obj)


class CommitmentChangesFeed(ChangesFeed):
    """Status updates and claims about one commitment."""

    def get_object(self, request, pk: int) -> Commitment:
        return get_object_or_404(Commitment, pk=pk)

    def title(self, obj: Commitment) -> str:
        return _("%(commitment)s: assessments and claims") % {"commitment": obj}

    def link(self, obj: Commitment) -> str:
        return obj.get_absolute_url()

    def scope(self, updates, claims, obj: Commitment):
        return updates.filter(commitment=obj), claims.filter(commitment=obj)
