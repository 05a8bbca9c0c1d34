"""Atom feeds of what is recorded: monitors' status updates and the parties' claims,
site-wide, per agreement and per commitment, newest recorded first."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commitments import corrections
from commitments.models import Agreement, Claim, Commitment, Evidence, StatusUpdate, iso_date

FEED_LENGTH = 50


def tag_uri(kind: str, pk: int) -> str:
    """Return a permanent entry id (RFC 4151 tag URI) that does not change with the page's address."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},2020:{kind}/{pk}"


class ChangesFeed(Feed):
    """Status updates and claims about every commitment."""

    feed_type = Atom1Feed
    author_name = gettext_lazy("Ceasefire Tracker")
    title = gettext_lazy("Ceasefire Tracker: assessments and claims")
    subtitle = gettext_lazy("New status updates by the monitors, with their evidence, and claims by the parties.")

    def link(self, obj) -> str:
        return reverse("dashboard:home")

    def scope(self, updates: QuerySet, claims: QuerySet, obj) -> tuple[QuerySet, QuerySet]:
        return updates, claims

    def items(self, obj) -> list[StatusUpdate | Claim]:
        updates = StatusUpdate.objects.select_related("commitment__provision__agreement", "corrects").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("source", "speaker").order_by("pk"))
        )
        claims = Claim.objects.select_related(
            "commitment__provision__agreement", "party", "speaker", "source", "corrects"
        )
        updates, claims = self.scope(updates, claims, obj)
        newest = ("-recorded_at", "-id")
        entries = [*updates.order_by(*newest)[:FEED_LENGTH], *claims.order_by(*newest)[:FEED_LENGTH]]
        return sorted(entries, key=lambda entry: entry.recorded_at, reverse=True)[:FEED_LENGTH]

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
        return tag_uri("claim" if isinstance(item, Claim) else "status-update", item.pk)

    item_guid_is_permalink = False

    def item_pubdate(self, item: StatusUpdate | Claim):
        return item.recorded_at

    def item_updateddate(self, item: StatusUpdate | Claim):
        return item.recorded_at

    def item_author_name(self, item: StatusUpdate | Claim) -> str | None:
        return item.party.name if isinstance(item, Claim) else None

    def item_categories(self, item: StatusUpdate | Claim) -> list[str]:
        return [item.position if isinstance(item, Claim) else item.status]


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

    feed_type = Atom1Feed
    author_name = gettext_lazy("Ceasefire Tracker")
    title = gettext_lazy("Ceasefire Tracker: corrections")
    subtitle = gettext_lazy("Every entry that corrects an earlier one: what, when and why.")

    def link(self) -> str:
        return reverse("dashboard:corrections")

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
        return tag_uri("claim" if item.kind == "claim" else "status-update", item.entry.pk)

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
