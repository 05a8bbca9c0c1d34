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

from commitments.models import Agreement, Claim, Commitment, Evidence, StatusUpdate

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
            Prefetch("evidence", queryset=Evidence.objects.select_related("source").order_by("pk"))
        )
        claims = Claim.objects.select_related("commitment__provision__agreement", "party", "source", "corrects")
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
