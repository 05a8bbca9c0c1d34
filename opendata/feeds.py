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
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commitments import corrections
from commitments.filters import IncidentFilter
from commitments.models import (
    Agreement,
    CasualtyReport,
    Claim,
    Commitment,
    DataVersion,
    Evidence,
    Incident,
    StatusUpdate,
    Verification,
    end_of_day,
    iso_date,
)

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


def with_number_in_record(entries: QuerySet, scope: str = "commitment") -> QuerySet:
    """Annotate each entry with its number among its commitment's (or other `scope`'s) published
    entries of the same kind, in the order they became public (a draft published later is numbered
    after the entries already published, so no number ever changes; an export keeps these times and
    a load restores them)."""
    entries = entries.with_publication_time()
    earlier = (
        entries.model.objects.published()
        .with_publication_time()
        .filter(**{scope: OuterRef(scope)})
        .filter(
            Q(publication_time__lt=OuterRef("publication_time"))
            | Q(publication_time=OuterRef("publication_time"), pk__lte=OuterRef("pk"))
        )
        .order_by()
        .values(scope)
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
        updates = (
            StatusUpdate.objects.published()
            .select_related("commitment__provision__agreement", "corrects", "corrected_by")
            .prefetch_related(
                Prefetch("evidence", queryset=Evidence.objects.select_related("source", "speaker").order_by("pk"))
            )
        )
        claims = Claim.objects.published().select_related(
            "commitment__provision__agreement", "party", "speaker", "source", "corrects", "corrected_by"
        )
        updates, claims = self.scope(updates, claims, obj)
        newest = ("-recorded_at", "-id")
        entries = [
            *with_number_in_record(updates).order_by(*newest)[:FEED_LENGTH],
            *with_number_in_record(claims).order_by(*newest)[:FEED_LENGTH],
        ]
        return sorted(entries, key=lambda entry: entry.published_at(), reverse=True)[:FEED_LENGTH]

    def item_title(self, item: StatusUpdate | Claim) -> str:
        if isinstance(item, Claim):
            return _("%(commitment)s: %(speaker)s — %(position)s") % {
                "commitment": item.commitment,
                "speaker": item.speaker,
                "position": item.get_position_display(),
            }
        # ISO 8601 at the date's precision: 2020-11-20, or 2023-09 from a month-only source.
        return _("%(commitment)s: %(status)s as of %(date)s") % {
            "commitment": item.commitment,
            "status": item.get_status_display(),
            "date": iso_date(item.as_of, item.as_of_precision),
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
                % {"date": corrected_by.published_at().date().isoformat()},
            )
        if isinstance(item, Claim):
            said = (
                _("%(source)s reported what %(speaker)s said (in the source's words):")
                if item.speech_kind == "reported"
                else _("%(speaker)s said:")
            ) % {"source": item.source.publisher, "speaker": item.speaker}
            return format_html(
                "<p>{}</p><p>{}</p><p>{}</p><blockquote>{}</blockquote><p>{} {}</p>{}",
                item.display_stated_on(),
                item.summary,
                said,
                item.quote,
                _("Source:"),
                item.source,
                correction,
            )
        evidence = format_html_join(
            "",
            "<li>{}: {}</li>",
            (
                (whose_words(evidence), f"“{evidence.quote}”" if evidence.is_verbatim else evidence.quote)
                for evidence in item.evidence.all()
            ),
        )
        support = item.support()
        return format_html(
            "<p>{} {}</p><p>{}</p><p>{} {}</p><ul>{}</ul>{}",
            _("As of"),
            item.display_as_of(),
            item.summary,
            _("Support:"),
            support.label,
            evidence,
            correction,
        )

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
        """When the tracker published the entry, or later published its correction."""
        corrected_by = correction_of(item)
        return max(item.published_at(), corrected_by.published_at()) if corrected_by else item.published_at()

    def item_author_name(self, item: StatusUpdate | Claim) -> str | None:
        return item.party.name if isinstance(item, Claim) else None

    def item_categories(self, item: StatusUpdate | Claim) -> list[str]:
        return [item.position if isinstance(item, Claim) else item.status]


def correction_of(item: StatusUpdate | Claim) -> StatusUpdate | Claim | None:
    """Return the published entry that corrects `item`, if one does (a draft correction corrects nothing yet)."""
    try:
        corrected_by = item.corrected_by
    except ObjectDoesNotExist:
        return None
    return corrected_by if corrected_by.is_published() else None


def whose_words(evidence: Evidence) -> str:
    """Return who speaks in a piece of evidence, as the public pages say it."""
    if evidence.speech_kind == "direct" and evidence.speaker:
        return _("%(speaker)s said (%(source)s)") % {"speaker": evidence.speaker, "source": evidence.source}
    if evidence.speech_kind == "reported" and evidence.speaker:
        return _("%(source)s, reporting what %(speaker)s said") % {
            "speaker": evidence.speaker,
            "source": evidence.source,
        }
    return str(evidence.source)


class CorrectionsFeed(Feed):
    """Every entry that corrects another (the public corrections log), newest recorded first."""

    feed_type = AtomFeed
    author_name = gettext_lazy("Ceasefire Tracker")
    title = gettext_lazy("Ceasefire Tracker: corrections")
    subtitle = gettext_lazy("Every entry that corrects an earlier one: what, when and why.")

    def link(self) -> str:
        return reverse("dashboard:corrections")

    def feed_extra_kwargs(self, obj) -> dict:
        return {"last_change": DataVersion.last_change}

    def items(self) -> list[corrections.Correction]:
        return corrections.latest(FEED_LENGTH)

    def item_title(self, item: corrections.Correction) -> str:
        corrected = item.corrected
        if item.kind == "claim":
            return _("%(commitment)s: correction of the claim by %(speaker)s of %(date)s") % {
                "commitment": item.commitment,
                "speaker": corrected.speaker,
                "date": corrected.display_stated_on(),
            }
        return _("%(commitment)s: correction of the assessment of %(date)s") % {
            "commitment": item.commitment,
            "date": corrected.display_as_of(),
        }

    def item_description(self, item: corrections.Correction) -> str:
        corrected, entry = item.corrected, item.entry
        if item.kind == "claim":
            what = _("Recorded as “%(before)s”, now “%(after)s”.") % {
                "before": corrected.get_position_display(),
                "after": entry.get_position_display(),
            }
        else:
            what = _("Recorded as “%(before)s”, now “%(after)s”: %(summary)s") % {
                "before": corrected.get_status_display(),
                "after": entry.get_status_display(),
                "summary": entry.summary,
            }
        return format_html(
            "<p>{}</p><p>{} {}</p>", what, _("Why:"), item.reason or _("No reason was recorded with this correction.")
        )

    def item_link(self, item: corrections.Correction) -> str:
        return item.commitment.get_absolute_url()

    def item_guid(self, item: corrections.Correction) -> str:
        """A permanent id from natural keys: the commitment, the kind of entry, and when the
        correction was recorded (kept by the seed export and restored by loading)."""
        commitment = item.commitment
        kind = "claim" if item.kind == "claim" else "status-update"
        recorded = item.recorded_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        return f"{TAG_AUTHORITY}{commitment.agreement.slug}/{commitment.code}/correction/{kind}/{recorded}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: corrections.Correction):
        return item.recorded_at

    def item_updateddate(self, item: corrections.Correction):
        return item.recorded_at


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


def incident_entry_id(incident: Incident) -> str:
    """Return an incident entry's permanent id: its agreement's slug and its number in that agreement's
    incident log, in recording order (kept by the seed export and restored by loading)."""
    return f"{TAG_AUTHORITY}{incident.agreement.slug}/incident/{incident.number_in_record}"


class IncidentFeed(Feed):
    """The incident log, newest recorded first, with the incident pages' filters (the query string)."""

    feed_type = AtomFeed
    author_name = gettext_lazy("Ceasefire Tracker")
    subtitle = gettext_lazy("Incidents recorded by the monitors, coded as ACLED codes events, with their evidence.")

    def __call__(self, request, *args, **kwargs):
        filterset = self.get_object(request)
        if not filterset.is_valid():
            return JsonResponse({"errors": filterset.errors}, status=400, json_dumps_params={"ensure_ascii": False})
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request) -> IncidentFilter:
        filterset = IncidentFilter(request.GET, queryset=Incident.objects.on_record(), request=request)
        filterset.is_valid()  # the form's cleaned data names the agreement in the title
        return filterset

    def feed_extra_kwargs(self, obj) -> dict:
        return {"last_change": DataVersion.last_change}

    def title(self, obj: IncidentFilter) -> str:
        agreement = obj.form.cleaned_data.get("agreement")
        if agreement:
            return _("%(agreement)s: incidents") % {"agreement": agreement}
        return _("Ceasefire Tracker: incidents")

    def link(self, obj: IncidentFilter) -> str:
        agreement = obj.form.cleaned_data.get("agreement")
        if agreement:
            return reverse("dashboard:agreement_incident_list", args=[agreement.slug])
        return reverse("dashboard:incident_list")

    def items(self, obj: IncidentFilter) -> list[Incident]:
        incidents = with_number_in_record(obj.qs.for_display(), scope="agreement")
        return list(incidents.order_by("-recorded_at", "-id")[:FEED_LENGTH])

    def item_title(self, item: Incident) -> str:
        return _("%(agreement)s: %(kind)s, %(place)s, %(date)s") % {
            "agreement": item.agreement,
            "kind": item.get_sub_event_type_display(),
            "place": item.location,
            "date": item.iso_date(),
        }

    def item_description(self, item: Incident) -> str:
        fatalities = item.casualties().total(CasualtyReport.Kind.FATALITIES)
        alleged = []
        if item.alleged_by:
            alleged.append(_("Alleged by %(party)s.") % {"party": item.alleged_by})
        if item.alleged_against:
            alleged.append(_("Alleged against %(party)s.") % {"party": item.alleged_against})
        evidence = format_html_join(
            "",
            "<li>{}: {}</li>",
            (
                (whose_words(evidence), f"“{evidence.quote}”" if evidence.is_verbatim else evidence.quote)
                for evidence in item.evidence.all()
            ),
        )
        return format_html(
            "<p>{} · {} › {} · {}</p><p>{}</p><p>{}</p><p>{} {} · {} {}</p><ul>{}</ul>",
            item.display_date(),
            item.get_event_type_display(),
            item.get_sub_event_type_display(),
            item.place(),
            item.summary,
            " ".join(str(text) for text in alleged),
            _("Verification:"),
            Verification(item.verification_level).label,
            _("Fatalities:"),
            _("unknown") if fatalities is None else fatalities,
            evidence,
        )

    def item_link(self, item: Incident) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Incident) -> str:
        return incident_entry_id(item)

    item_guid_is_permalink = False

    def item_pubdate(self, item: Incident) -> dt.datetime:
        """When it happened: the start of its day in the agreement's time zone, or its moment."""
        return item.occurred_at or start_of_day(item.occurred_on, item.agreement.tz)

    def item_updateddate(self, item: Incident) -> dt.datetime:
        return item.recorded_at

    def item_categories(self, item: Incident) -> list[str]:
        return [item.event_type, item.sub_event_type, item.verification_level]
