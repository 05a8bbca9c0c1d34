"""The public pages. Views read the clock and pass it down; every state comes from the models' rules.

Each view fetches what its page shows in a fixed number of queries (select_related,
prefetch_related and grouped counts), whatever the amount of data; tests hold them to it.
"""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery, Window, prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from commitments import corrections, search
from commitments.models import (
    BEGUN_STATUSES,
    CLOSED_STATUSES,
    CONTRADICTED_STATUSES,
    DISPUTE_WINDOW,
    NEVER_BEGUN_STATUSES,
    PROGRESS_POSITIONS,
    VERIFICATION_DEFINITIONS,
    Agreement,
    AgreementEvent,
    CasualtyReport,
    Claim,
    Commitment,
    DeadlineChange,
    Evidence,
    Incident,
    IncidentEvidence,
    Party,
    Provision,
    Source,
    SourceSnapshot,
    Speaker,
    Status,
    StatusUpdate,
    Support,
    Verification,
    VersionDeadline,
    current_update,
    link_corrections,
    may_download_snapshots,
    standing,
)
from commitments.snapshots import open_snapshot

from .as_of import AsOf, parse_as_of
from .charts import (
    IMPLEMENTATION_LARGE,
    IMPLEMENTATION_PHONE,
    IMPLEMENTATION_SMALL,
    deadline_timeline,
    implementation_chart,
    status_bar,
    weekly_chart,
)
from .filters import CommitmentListFilter, IncidentListFilter
from .fragments import render_fragments
from .templatetags.display import commitment_row

PAGE_SIZE = 25

# How the dashboard groups the assessment scale, in the order the bar draws it.
STATUS_GROUPS = [
    ("fulfilled", _("Fulfilled"), {Status.FULFILLED}),
    ("under-way", _("Under way"), {Status.MINIMAL, Status.INTERMEDIATE}),
    ("not-started", _("Not started"), {Status.NOT_STARTED}),
    ("violated", _("Violated"), {Status.VIOLATED}),
    ("ended", _("Ended early"), {Status.ENDED}),
    ("not-assessed", _("Not yet assessed"), {Status.NOT_ASSESSED}),
]

LATEST_COUNT = 8
# The home page's rollup shows this many parties (those responsible for most commitments).
HOME_PARTY_LIMIT = 12
# The home page lists this many overdue and due-soon commitments, linking to the full lists.
HOME_LIST_LIMIT = 10
TIMELINE_MAX_ROWS = 30
# The home page draws a panel for this many agreements, those that most need attention
# (Agreement.objects.by_attention); the list of agreements shows them all.
HOME_AGREEMENT_LIMIT = 12


def add_figures(agreements: list[Agreement], now: dt.datetime) -> list[Agreement]:
    """Set on each agreement its commitments' counts by status group (status_counts, total, the
    status bar), overdue at `now`, disputed and contested: four grouped queries for them all."""
    counts = Commitment.objects.filter(provision_agreement__in=[a.pk for a in agreements]).counts_by_agreement(now)
    for agreement in agreements:
        agreement_counts = counts[agreement.pk]
        agreement.status_counts = grouped(agreement_counts.by_status)
        agreement.total = agreement_counts.total
        agreement.bar = status_bar(agreement.status_counts)
        agreement.overdue_count = agreement_counts.overdue
        agreement.disputed_count = agreement_counts.disputed
        agreement.contested_count = agreement_counts.contested
    return agreements


def grouped(by_status: dict[str, int]) -> list[tuple[str, str, int]]:
    """Return (key, label, count) per status group of the dashboard (STATUS_GROUPS)."""
    return [
        (key, label, sum(by_status.get(status, 0) for status in statuses))
        for key, label, statuses in translated_status_groups(translation.get_language())
    ]


@functools.cache
def translated_status_groups(language: str | None) -> list[tuple[str, str, set[str]]]:
    """Return STATUS_GROUPS with their labels translated into `language`: once, where the pages'
    figures would translate each label again wherever they show it."""
    with translation.override(language):
        return [(key, str(label), statuses) for key, label, statuses in STATUS_GROUPS]


def parties_by_commitments():
    """Return the parties responsible for at least one commitment, most commitments first (then
    by name): the order of the home page's rollup and of the list of parties."""
    # Counted in a subquery per party, which reads the relation's index alone, rather than by
    # grouping every party's columns over the join.
    responsibilities = Commitment.responsible_parties.through.objects.filter(party=OuterRef("pk")).order_by()
    return (
        Party.objects.responsible_for_commitments()
        .annotate(total=Subquery(responsibilities.values("party").annotate(n=Count("*")).values("n")))
        .order_by("-total", "name")
    )


def party_rollup(parties, now) -> list[Party]:
    """Set on each of `parties` its commitments' counts by status group and overdue at `now`
    (CommitmentQuerySet.counts_by_party), counting only these parties' commitments."""
    parties = list(parties)
    counts = Commitment.objects.filter(responsible_parties__in=parties).counts_by_party(now)
    for party in parties:
        party.status_counts = grouped(counts[party.pk].by_status)
        party.total = counts[party.pk].total
        party.overdue_count = counts[party.pk].overdue
        party.bar = status_bar(party.status_counts)
    return parties


class AsOfMixin:
    """Reads `?as_of=YYYY-MM-DD`: the page then shows what the tracker had published by the end of that day."""

    def get_as_of(self) -> AsOf:
        if not hasattr(self, "_as_of"):
            self._as_of = parse_as_of(self.request.GET.get("as_of"), timezone.now())
        return self._as_of


class HomeView(AsOfMixin, TemplateView):
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        as_of = self.get_as_of()
        if as_of:
            return self.past_context(context, as_of)
        # The agreements that most need attention get a panel; the others are a link away. The
        # ranking query also counts all the agreements (a window count, taken before the limit).
        ranked = Agreement.objects.by_attention(now).annotate(agreement_total=Window(Count("*")))
        agreements = add_figures(list(ranked[:HOME_AGREEMENT_LIMIT]), now)
        agreement_total = agreements[0].agreement_total if agreements else 0
        overdue_total = sum(agreement.overdue_count for agreement in agreements)
        if agreement_total > len(agreements):  # cut: count the others' overdue commitments too
            overdue_total = Commitment.objects.overdue(now).count()

        # These short lists show a title, a deadline and (overdue) the responsible parties: not the
        # deadline's event and its source that for_display() also joins.
        overdue_now = list(
            Commitment.objects.select_related("provision__agreement")
            .prefetch_related("responsible_parties")
            .overdue(now)
            .order_by("deadline_ends_at", "pk")[:HOME_LIST_LIMIT]
        )
        due_soon = list(
            Commitment.objects.select_related("provision__agreement")
            .due_soon(now)
            .order_by("deadline_ends_at", "pk")[:HOME_LIST_LIMIT]
        )
        dated = list(
            Commitment.objects.filter(deadline_in_force__isnull=False)
            .select_related("provision__agreement")
            .order_by("deadline_in_force", "pk")[:TIMELINE_MAX_ROWS]
        )
        context.update(
            now=now,
            agreements=agreements,
            agreement_total=agreement_total,
            overdue_total=overdue_total,
            overdue_now=[(c, c.days_overdue(now)) for c in overdue_now],
            due_soon=due_soon,
            due_soon_days=settings.DUE_SOON_DAYS,
            due_soon_is_cut=len(due_soon) == HOME_LIST_LIMIT,
            due_soon_query="?due_soon=yes&sort=deadline",
            latest_updates=StatusUpdate.objects.published()
            .select_related("commitment__provision__agreement")
            .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("source")))
            .order_by("-as_of", "-recorded_at", "-id")[:LATEST_COUNT],
            latest_claims=Claim.objects.published()
            .select_related("commitment", "party", "speaker", "source")
            .order_by("-stated_on", "-id")[:LATEST_COUNT],
            timeline=deadline_timeline(dated, now),
            timeline_is_cut=len(dated) == TIMELINE_MAX_ROWS,
            party_rollup=party_rollup(parties_by_commitments()[:HOME_PARTY_LIMIT], now),
            status_groups=STATUS_GROUPS,
            as_of=as_of,
        )
        return context

    def past_context(self, context, as_of: AsOf):
        """What the dashboard showed at the end of `as_of`: each agreement's statuses and what was overdue."""
        moment = as_of.moment
        agreements = list(Agreement.objects.recorded_by(moment))
        by_agreement = {agreement.pk: agreement for agreement in agreements}
        for agreement in agreements:
            agreement.by_status, agreement.overdue_count = {}, 0
        overdue = []
        commitments = (
            Commitment.objects.filter(provision__agreement__in=agreements)
            .as_known_on(moment)
            .select_related("provision__agreement", "deadline_event__source")
            .order_by("pk")
        )
        for commitment in commitments:
            agreement = by_agreement[commitment.provision.agreement_id]
            commitment.provision.agreement = agreement
            state = commitment.known_state(as_of.day)
            agreement.by_status[state.status] = agreement.by_status.get(state.status, 0) + 1
            if state.is_overdue:
                agreement.overdue_count += 1
                overdue.append((commitment, state))
        for agreement in agreements:
            agreement.status_counts = grouped(agreement.by_status)
            agreement.total = sum(agreement.by_status.values())
            agreement.bar = status_bar(agreement.status_counts)
        overdue.sort(key=lambda row: (row[1].deadline_ends_at, row[0].pk))
        context.update(
            as_of=as_of,
            agreements=agreements,
            overdue_total=len(overdue),
            past_overdue=overdue[:HOME_LIST_LIMIT],
        )
        return context


class AgreementListView(ListView):
    """Every agreement, in the home page's order (Agreement.objects.by_attention), with its figures as text."""

    template_name = "dashboard/agreement_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.now = timezone.now()
        return Agreement.objects.by_attention(self.now)

    def paginate_queryset(self, queryset, page_size):
        # An out-of-range or malformed page number shows the nearest page, not an error.
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(now=self.now, agreements=add_figures(list(context["object_list"]), self.now))
        return context


class CommitmentListView(FilterView):
    filterset_class = CommitmentListFilter
    template_name = "dashboard/commitment_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Commitment.objects.for_rows()

    def get_filterset_kwargs(self, filterset_class):
        self.now = timezone.now()
        return {**super().get_filterset_kwargs(filterset_class), "now": self.now}

    def paginate_queryset(self, queryset, page_size):
        # An out-of-range or malformed page number shows the nearest page, not an error.
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        rows = [(c, c.is_overdue(self.now)) for c in context["object_list"]]
        context.update(
            now=self.now,
            rows=rows,
            # Every list showing a commitment shows the same row: rendered once per data version.
            row_fragments=render_fragments(
                self.request, "commitment_row", rows, key=lambda row: row[0].pk, render=lambda row: commitment_row(*row)
            ),
            query_without_page=query.urlencode(),
        )
        return context


def has_entries(commitment: Commitment, kind: str) -> bool:
    """Return the flag of with_entry_flags() that says whether `commitment` has any entry of `kind`."""
    return getattr(commitment, "has_" + kind)


def entries(commitment: Commitment, relation: str) -> list:
    """Return `commitment`'s prefetched `relation`, or an empty list without a query when its flag
    (with_entry_flags) says it has none."""
    return list(getattr(commitment, relation).all()) if has_entries(commitment, relation) else []


class CommitmentDetailView(AsOfMixin, DetailView):
    template_name = "dashboard/commitment_detail.html"
    queryset = (
        Commitment.objects.select_related("provision__agreement")
        .with_entry_flags()
        .prefetch_related(
            "responsible_parties",
            Prefetch(
                "status_updates",
                # What each corrects is among them (link_corrections), not a join of every row to another.
                queryset=StatusUpdate.objects.published()
                .prefetch_related(
                    Prefetch("evidence", queryset=Evidence.objects.select_related("source", "speaker__party"))
                )
                .order_by("as_of", "recorded_at", "id"),
            ),
        )
    )
    # The other entries the page shows, by the flag of with_entry_flags() that says whether there
    # is any: each is prefetched only then, since a query that finds nothing costs as much as one
    # that finds some (on PostgreSQL mostly its planning), and most commitments have none of most kinds.
    entry_prefetches = {
        "version_deadlines": VersionDeadline.prefetch_with_texts(),
        "supervising_bodies": "supervising_bodies",
        "agreement_texts": "provision__agreement__texts",
        "deadline_changes": Prefetch(
            "deadline_changes",
            queryset=DeadlineChange.objects.published()
            .select_related("requested_by", "source")
            .prefetch_related("agreed_by"),
        ),
        "claims": Prefetch("claims", queryset=Claim.objects.published().select_related("party", "speaker", "source")),
        "incidents": Prefetch(
            "incidents",
            # Verification by the row form (Incident.verification) on the evidence: compiling the
            # annotation (with_verification) cost more than this query runs.
            queryset=Incident.objects.on_record()
            .select_related("alleged_by", "alleged_against")
            .prefetch_related(Prefetch("evidence", queryset=IncidentEvidence.objects.select_related("source")))
            .order_by("-occurred_on", "-recorded_at", "-id"),
        ),
        # A list per assessment (what the page shows), not a manager and a queryset for each.
        "assessment_incidents": Prefetch(
            "status_updates__incidents",
            queryset=Incident.objects.on_record().order_by("occurred_on", "pk"),
            to_attr="incidents_on_record",
        ),
    }

    def get_object(self, queryset=None):
        commitment = super().get_object(queryset)
        lookups = [lookup for kind, lookup in self.entry_prefetches.items() if has_entries(commitment, kind)]
        if commitment.deadline_event_id:  # few deadlines count from an event: no join of the others to none
            lookups.append(Prefetch("deadline_event", queryset=AgreementEvent.objects.select_related("source")))
        prefetch_related_objects([commitment], *lookups)
        updates = commitment.status_updates.all()
        link_corrections(updates)
        if not commitment.has_assessment_incidents:
            for update in updates:
                update.incidents_on_record = []
        return commitment

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        commitment = self.object
        now = timezone.now()
        today = commitment.agreement.local_today(now)
        claims = entries(commitment, "claims")
        conflicting_ids = {claim.pk for claim in commitment.conflicting_claims(claims)}
        status_updates = list(commitment.status_updates.all())
        current = current_update(standing(status_updates))
        contested_by = commitment.contested_by(claims, status_updates)
        versions = entries(commitment, "version_deadlines")
        as_of = self.get_as_of()
        context.update(
            now=now,
            as_of=as_of,
            pending_event=commitment.pending_event(),
            deadline_event=commitment.deadline_event,
            version_outcomes=commitment.version_outcomes(now, versions),
            version_outcome_differs=commitment.version_outcome_differs(now, versions),
            agreement=commitment.agreement,
            quoted_text=commitment.agreement.quoted_text() if has_entries(commitment, "agreement_texts") else None,
            responsible_parties=list(commitment.responsible_parties.all()),
            supervising_bodies=entries(commitment, "supervising_bodies"),
            original_deadline=commitment.original_deadline(),
            deadline_changes=entries(commitment, "deadline_changes"),
            is_overdue=commitment.is_overdue(now),
            days_overdue=commitment.days_overdue(now),
            is_due_soon=commitment.is_due_soon(now),
            due_soon_days=settings.DUE_SOON_DAYS,
            is_fulfilled_late=commitment.is_fulfilled_late(),
            days_late=commitment.days_late(),
            fulfilled_on=commitment.fulfilled_on(),
            met_extended_deadline=commitment.met_extended_deadline(),
            days_extended=commitment.original_extended(),
            terms=commitment.terms(today),
            current_term=commitment.current_term(today),
            term_expiry=commitment.term_expiry(today),
            notice_deadline=commitment.notice_deadline(today),
            ended_on=commitment.ended_on(),
            ended_precision=current.as_of_precision if current else "",
            status_updates=status_updates,
            corrected_ids={update.corrects_id for update in status_updates if update.corrects_id},
            current_update_id=current.pk if current else None,
            contested_by=contested_by,
            corrected_claim_ids={claim.corrects_id for claim in claims if claim.corrects_id},
            # A monitor (pages of signed-in users are never cached) gets links to record entries.
            may_record=self.request.user.is_staff and self.request.user.has_perm("commitments.add_statusupdate"),
            conflicting_claims=[claim for claim in claims if claim.pk in conflicting_ids],
            other_claims=[claim for claim in claims if claim.pk not in conflicting_ids],
            incidents=entries(commitment, "incidents"),
        )
        if as_of:
            self.past_context(context, as_of)
        return context

    def past_context(self, context, as_of: AsOf) -> None:
        """What the page showed at the end of `as_of`: the entries recorded by then, and the status,
        deadline in force and overdue they gave."""
        moment = as_of.moment
        commitment = self.object
        known = (
            Commitment.objects.filter(pk=commitment.pk)
            .as_known_on(moment)
            .select_related("provision__agreement", "deadline_event")
            .first()
        )
        recorded = {
            "updates": set(
                StatusUpdate.objects.filter(commitment=commitment).known_by(moment).values_list("pk", flat=True)
            ),
            "claims": set(Claim.objects.filter(commitment=commitment).known_by(moment).values_list("pk", flat=True)),
            "changes": set(
                DeadlineChange.objects.filter(commitment=commitment).known_by(moment).values_list("pk", flat=True)
            ),
        }
        context.update(
            known_state=known.known_state(as_of.day) if known else None,
            not_yet_recorded=known is None,
            status_updates=[u for u in context["status_updates"] if u.pk in recorded["updates"]],
            deadline_changes=[c for c in context["deadline_changes"] if c.pk in recorded["changes"]],
            conflicting_claims=[c for c in context["conflicting_claims"] if c.pk in recorded["claims"]],
            other_claims=[c for c in context["other_claims"] if c.pk in recorded["claims"]],
            contested_by=[],
            corrected_ids={
                u.corrects_id for u in context["status_updates"] if u.corrects_id and u.pk in recorded["updates"]
            },
        )


class AgreementDetailView(AsOfMixin, DetailView):
    template_name = "dashboard/agreement_detail.html"
    queryset = Agreement.objects.with_links().prefetch_related(
        "signatories",
        "texts",
        "events__source",
        Prefetch(
            "provisions",
            queryset=Provision.objects.order_by("position").prefetch_related(
                Prefetch(
                    "commitments",
                    queryset=Commitment.objects.select_related("deadline_event__source")
                    .prefetch_related("responsible_parties")
                    .order_by("pk"),
                )
            ),
        ),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        agreement = self.object
        provisions = list(agreement.provisions.all())
        for provision in provisions:
            # The commitments' own agreement is this one: no query per row for its time zone.
            provision.agreement = agreement
            for commitment in provision.commitments.all():
                commitment.provision = provision
        links = agreement.links()
        months = agreement.implementation_by_month(agreement.local_today(now))
        as_of = self.get_as_of()
        known = {}
        if as_of:
            moment = as_of.moment
            rows = (
                Commitment.objects.for_agreement(agreement).as_known_on(moment).select_related("deadline_event__source")
            )
            for commitment in rows:
                commitment.provision = next(p for p in provisions if p.pk == commitment.provision_id)
                known[commitment.pk] = commitment.known_state(as_of.day)
        context.update(
            now=now,
            as_of=as_of,
            provisions=[
                (
                    provision,
                    [
                        (c, c.is_overdue(now), known.get(c.pk))
                        for c in provision.commitments.all()
                        if not as_of or c.pk in known
                    ],
                    [view for view in links if provision in view.own_provisions],
                )
                for provision in provisions
            ],
            links=links,
            groups=STATUS_GROUPS,
            quoted_text=agreement.quoted_text(),
            entry_into_force_local=agreement.entry_into_force_local(),
            months=[(month, grouped(month.by_status)) for month in months],
            implementation=implementation_chart(months, STATUS_GROUPS, IMPLEMENTATION_SMALL, IMPLEMENTATION_PHONE),
        )
        return context


class AgreementImplementationView(DetailView):
    """An agreement's implementation over time, larger, with the whole table."""

    template_name = "dashboard/agreement_implementation.html"
    queryset = Agreement.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = self.object
        months = agreement.implementation_by_month(agreement.local_today(timezone.now()))
        context.update(
            months=[(month, grouped(month.by_status)) for month in months],
            groups=STATUS_GROUPS,
            implementation=implementation_chart(months, STATUS_GROUPS, IMPLEMENTATION_LARGE, IMPLEMENTATION_PHONE),
        )
        return context


class PartyListView(TemplateView):
    """Every party responsible for a commitment, with its statuses and overdue count."""

    template_name = "dashboard/party_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(parties_by_commitments(), 50)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            parties=party_rollup(page.object_list, timezone.now()),
            page_obj=page,
            is_paginated=page.has_other_pages(),
            status_groups=STATUS_GROUPS,
        )
        return context


class PartyDetailView(DetailView):
    """A party's page: its scorecard, the commitments it is responsible for across agreements, its claims."""

    template_name = "dashboard/party_detail.html"
    model = Party
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        party = self.object
        now = timezone.now()
        commitments = (
            Commitment.objects.for_display()
            .for_party(party)
            .select_related("deadline_event__source")
            .order_by("provision__agreement__signed_on", "provision__agreement_id", "provision__position", "pk")
        )
        paginator = Paginator(commitments, self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            now=now,
            scorecard=party.scorecard(now),
            rows=[(c, c.is_overdue(now)) for c in page.object_list],
            page_obj=page,
            is_paginated=page.has_other_pages(),
            claims=Claim.objects.by_party(party)
            .select_related("commitment__provision__agreement", "speaker", "source")
            .order_by("-stated_on", "-id")[:LATEST_COUNT],
            speakers=party.speakers.order_by("name", "role"),
            extensions=DeadlineChange.objects.requested_by_party(party)
            .select_related("commitment", "source")
            .order_by("-decided_on", "-id"),
            filtered_list_url=reverse("dashboard:commitment_list") + f"?party={party.slug}",
        )
        return context


class SpeakerDetailView(DetailView):
    """A speaker's page: what they said, when, about which commitments, and where they are quoted as evidence."""

    template_name = "dashboard/speaker_detail.html"
    queryset = Speaker.objects.select_related("party")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        speaker = self.object
        context.update(
            claims=Claim.objects.by_speaker(speaker)
            .select_related("commitment__provision__agreement", "party", "speaker", "source")
            .order_by("-stated_on", "-id"),
            evidence=speaker.evidence.select_related(
                "status_update__commitment__provision__agreement", "source", "speaker__party"
            ).order_by("-status_update__as_of", "pk"),
        )
        return context


SEARCH_PAGE_SIZE = 20


class SearchView(TemplateView):
    """Search across everything: results grouped by kind, ranked, highlighted, paginated; the URL holds
    the query, the agreement and the kinds."""

    template_name = "dashboard/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        query = params.get("q", "").strip()
        errors = []
        agreement = None
        if params.get("agreement"):
            agreement = Agreement.objects.filter(slug=params["agreement"]).first()
            if agreement is None:
                errors.append(
                    _("No agreement is called “%(slug)s”; all agreements are searched.")
                    % {"slug": params["agreement"][:60]}
                )
        kinds = [kind for kind in params.getlist("kind") if kind]
        unknown = [kind for kind in kinds if kind not in search.SEARCH_KINDS]
        if unknown:
            errors.append(
                _("Unknown kind of result: %(kinds)s; every kind is searched.")
                % {"kinds": ", ".join(k[:30] for k in unknown)}
            )
            kinds = []
        if query and not search.query_words(query):
            errors.append(_("Search for words of letters or digits."))
        results = search.SearchResults(query, agreement_id=agreement.pk if agreement else None, kinds=kinds or None)
        paginator = Paginator(results, SEARCH_PAGE_SIZE)
        page = paginator.get_page(params.get("page"))
        counts = results.counts_by_kind() if query else {}
        base = params.copy()
        base.pop("page", None)
        groups = []
        for hit in page.object_list:
            if not groups or groups[-1][0] != hit.kind:
                groups.append((hit.kind, hit.kind_label, []))
            groups[-1][2].append(hit)
        facet_base = base.copy()
        facet_base.pop("kind", None)
        context.update(
            query=query,
            search_query=query,
            errors=errors,
            agreement=agreement,
            agreements=Agreement.objects.order_by("-signed_on", "title"),
            kinds=kinds,
            kind_choices=search.kind_choices(),
            facets=[(name, label, counts.get(name, 0)) for name, label in search.kind_choices() if counts.get(name)],
            facet_query=facet_base.urlencode(),
            total=paginator.count if query else 0,
            is_cut=results.is_cut,
            facets_are_cut=results.facets_are_cut,
            max_ranked=search.MAX_RANKED,
            groups=groups,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            query_without_page=base.urlencode(),
        )
        return context


class SourceListView(ListView):
    template_name = "dashboard/source_list.html"
    paginate_by = 50
    # The source_newest index reads a page in this order without sorting the table.
    queryset = Source.objects.with_link_state().order_by("-published_on", "publisher", "pk")

    def paginate_queryset(self, queryset, page_size):
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        # Count citations for this page's sources only: counting them for every source
        # before paginating read every citation (1.5 s at the benchmark's scale).
        page.object_list = add_citation_counts(list(page.object_list))
        return paginator, page, page.object_list, page.has_other_pages()


def add_citation_counts(sources: list[Source]) -> list[Source]:
    """Set on each source how many published assessments, claims and deadline changes cite it
    (evidence_count, claim_count, deadline_change_count): one grouped query each."""
    ids = [source.pk for source in sources]

    def counted(queryset) -> dict[int, int]:
        rows = queryset.filter(source_id__in=ids).order_by().values("source_id").annotate(n=Count("pk"))
        return {row["source_id"]: row["n"] for row in rows}

    # Exists, not `in`: the subquery then looks up each citing update instead of listing them all.
    evidence = counted(
        Evidence.objects.filter(Exists(StatusUpdate.objects.published().filter(pk=OuterRef("status_update_id"))))
    )
    claims = counted(Claim.objects.published())
    deadline_changes = counted(DeadlineChange.objects.published())
    for source in sources:
        source.evidence_count = evidence.get(source.pk, 0)
        source.claim_count = claims.get(source.pk, 0)
        source.deadline_change_count = deadline_changes.get(source.pk, 0)
    return sources


class SourceDetailView(DetailView):
    model = Source
    template_name = "dashboard/source_detail.html"
    queryset = Source.objects.with_link_state()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = self.object
        context.update(
            link_check=source.latest_url_check,
            archive_check=source.latest_archive_check,
            snapshots=list(source.snapshots.all()),
            # Pages of signed-in users are never cached (dashboard.page_cache), so a monitor's
            # download links never reach the public.
            may_download_snapshots=may_download_snapshots(self.request.user),
            evidence=source.evidence.filter(status_update__in=StatusUpdate.objects.published())
            .select_related("status_update__commitment__provision__agreement", "source", "speaker__party")
            .order_by("-status_update__as_of", "pk"),
            claims=source.claims.published()
            .select_related("commitment", "party", "speaker__party", "source")
            .order_by("-stated_on", "pk"),
            deadline_changes=source.deadline_changes.published()
            .select_related("commitment")
            .order_by("-decided_on", "pk"),
        )
        return context


def source_snapshot_download(request, source_pk: int, pk: int):
    """Send a stored copy of a source as a download, to those who may have it (monitors only,
    unless SOURCE_SNAPSHOTS_PUBLIC): never a public media URL."""
    snapshot = get_object_or_404(SourceSnapshot, pk=pk, source_id=source_pk)
    if not may_download_snapshots(request.user):
        raise PermissionDenied("Stored copies of sources can be downloaded by monitors only (publishers' copyright).")
    try:
        file = open_snapshot(snapshot)
    except OSError:
        raise Http404("The stored file is missing.") from None
    response = FileResponse(
        file, as_attachment=True, filename=snapshot.download_name(), content_type=snapshot.content_type
    )
    # A stored page is the publisher's, not ours: never run it as part of this site, never cache it in between.
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


class MethodologyView(TemplateView):
    """How the tracker works: the status scale and every derived state, in words, from the rules themselves."""

    template_name = "dashboard/methodology.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = dict(Status.choices)
        positions = dict(Claim.Position.choices)
        context.update(
            statuses=[(Status(value), label) for value, label in Status.choices],
            closed_statuses=[labels[status] for status in Status.values if status in CLOSED_STATUSES],
            due_soon_days=settings.DUE_SOON_DAYS,
            dispute_window_days=DISPUTE_WINDOW.days,
            contradictions=[
                (positions[position], [labels[status] for status in Status.values if status in statuses])
                for position, statuses in CONTRADICTED_STATUSES.items()
            ],
            progress_positions=[
                positions[position] for position in Claim.Position.values if position in PROGRESS_POSITIONS
            ],
            never_begun_statuses=[labels[status] for status in Status.values if status in NEVER_BEGUN_STATUSES],
            begun_statuses=[labels[status] for status in Status.values if status in BEGUN_STATUSES],
            support_levels=Support,
            corrections_url=reverse("dashboard:corrections"),
            verification_definitions=[(Verification(level), text) for level, text in VERIFICATION_DEFINITIONS.items()],
            self_publishing=settings.REVIEW_ALLOW_SELF_PUBLISH,
        )
        return context


class CorrectionsView(TemplateView):
    """The public corrections log: every entry that corrects another, newest first."""

    template_name = "dashboard/corrections.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(corrections.CorrectionList(), self.page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page,
            paginator=paginator,
            is_paginated=page.has_other_pages(),
            entries=page.object_list,
            methodology_url=reverse("dashboard:methodology"),
        )
        return context


# --- The incident log ----------------------------------------------------------------


class IncidentListView(FilterView):
    """The incident log, overall or of one agreement (`slug`), filtered by the URL's query string,
    with the incidents per week as a chart and a table."""

    filterset_class = IncidentListFilter
    template_name = "dashboard/incident_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.agreement = get_object_or_404(Agreement, slug=self.kwargs["slug"]) if "slug" in self.kwargs else None
        incidents = Incident.objects.on_record()
        if self.agreement is not None:
            incidents = incidents.filter(agreement=self.agreement)
        return incidents.for_display().order_by("-occurred_on", "-recorded_at", "-id")

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "hide_agreement": self.agreement is not None}

    def paginate_queryset(self, queryset, page_size):
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        # The downloads and the feed take the same filters; an agreement's page adds its agreement.
        open_data_query = query.copy()
        if self.agreement is not None:
            open_data_query["agreement"] = self.agreement.slug
        matching = Incident.objects.none()
        if not self.filterset.is_bound or self.filterset.is_valid():  # unbound: no filters, all of them
            matching = Incident.objects.filter(pk__in=self.filterset.qs.values("pk"))
        context.update(
            agreement=self.agreement,
            query_without_page=query.urlencode(),
            open_data_query=open_data_query.urlencode(),
            chart=weekly_chart(matching.weekly_counts()),
            month_only_count=matching.filter(time_precision=Incident.TimePrecision.MONTH).count(),
            verification_definitions=[(Verification(level), text) for level, text in VERIFICATION_DEFINITIONS.items()],
        )
        return context


class IncidentDetailView(DetailView):
    template_name = "dashboard/incident_detail.html"
    context_object_name = "incident"

    def get_queryset(self):
        return (
            Incident.objects.on_record()
            .for_display()
            .prefetch_related(
                Prefetch(
                    "assessments",
                    queryset=StatusUpdate.objects.published()
                    .select_related("commitment")
                    .order_by("as_of", "recorded_at", "id"),
                )
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incident = self.object
        casualties = incident.casualties()
        context.update(
            agreement=incident.agreement,
            verification=Verification(incident.verification_level),
            verification_definition=VERIFICATION_DEFINITIONS[incident.verification_level],
            casualty_rows=casualties.rows(),
            fatalities=casualties.total(CasualtyReport.Kind.FATALITIES),
            injuries=casualties.total(CasualtyReport.Kind.INJURIES),
            actors=[
                (incident.actor1, [party.name for party in incident.assoc_actors_1.all()]),
                (incident.actor2, [party.name for party in incident.assoc_actors_2.all()]),
            ],
        )
        return context
