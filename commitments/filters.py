"""Filters of commitments (the public list, the API, the exports) and of the API's other lists.

Custom filters call the QuerySet methods that define each rule. How the list page shows
them (widgets) is the dashboard's (dashboard/filters.py).
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.db.models import F, Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import search
from .acled import EventType, SubEventType
from .models import (
    Agreement,
    Claim,
    Commitment,
    CommitmentQuerySet,
    Incident,
    IncidentQuerySet,
    Party,
    Provision,
    SearchEntry,
    Source,
    Status,
    StatusUpdate,
    Support,
    Verification,
)

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def due_soon_label() -> str:
    """Return the due-soon filter's label, with its window from settings.DUE_SOON_DAYS."""
    days = settings.DUE_SOON_DAYS
    return ngettext("Due in the next %(days)d day", "Due in the next %(days)d days", days) % {"days": days}


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Sorting that lists commitments with no deadline last in either direction
    (PostgreSQL would put them first when sorting newest first, SQLite last)."""

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        descending = value.startswith("-")
        expression = F(value.lstrip("-"))
        return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)

    def filter(self, qs, value):
        sorted_qs = super().filter(qs, value)
        if sorted_qs is qs:  # no sort asked for
            return qs
        # Many commitments share a deadline or a status: ties follow the model's own order, which
        # ends with the id. Without a unique last key the database may order a tie differently
        # from one query to the next, and a page repeat or skip rows of the page before.
        return sorted_qs.order_by(*sorted_qs.query.order_by, *qs.model._meta.ordering)


class CommitmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_text", help_text=_("Words in the title, description or provision.")
    )
    agreement = django_filters.ModelChoiceFilter(
        label=_("Agreement"),
        field_name="provision__agreement",
        to_field_name="slug",
        # The menu shows hundreds of agreements by their titles; their other columns stay unread.
        queryset=Agreement.objects.only("slug", "title", "short_title"),
        empty_label=_("All agreements"),
    )
    party = django_filters.ModelChoiceFilter(
        label=_("Responsible party"),
        field_name="responsible_parties",
        to_field_name="slug",
        queryset=Party.objects.responsible_for_commitments(),
        empty_label=_("All parties"),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Commitment.Category.choices, empty_label=_("All categories")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), field_name="current_status", choices=Status.choices, empty_label=_("Any status")
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"), choices=YES_NO, method="filter_overdue", empty_label=_("Either")
    )
    due_soon = django_filters.ChoiceFilter(
        label=lazy(due_soon_label, str)(),
        choices=[("yes", _("Yes"))],
        method="filter_due_soon",
        empty_label=_("Any time"),
    )
    disputed = django_filters.ChoiceFilter(
        label=_("Disputed by the parties"), choices=YES_NO, method="filter_disputed", empty_label=_("Either")
    )
    contested = django_filters.ChoiceFilter(
        label=_("Contested: a claim contradicts the assessment"),
        choices=YES_NO,
        method="filter_contested",
        empty_label=_("Either"),
    )
    support = django_filters.ChoiceFilter(
        label=_("Support of the current assessment"),
        choices=[(level.value, level.label) for level in Support if level != Support.NONE],
        method="filter_support",
        empty_label=_("Any support"),
    )
    deadline_from = django_filters.DateFilter(
        label=_("Deadline from"), field_name="deadline_in_force", lookup_expr="gte"
    )
    deadline_to = django_filters.DateFilter(label=_("Deadline to"), field_name="deadline_in_force", lookup_expr="lte")
    sort = NullsLastOrderingFilter(
        label=_("Sort by"),
        fields=(
            ("provision_position", "point"),
            ("deadline_in_force", "deadline"),
            ("title", "title"),
            ("current_status", "status"),
        ),
        field_labels={
            "provision_position": _("Point in the agreement"),
            "deadline_in_force": _("Deadline"),
            "title": _("Title"),
            "current_status": _("Status"),
        },
        empty_label=_("Agreement order"),
    )

    class Meta:
        model = Commitment
        fields: list[str] = []

    def __init__(self, *args, now: dt.datetime, **kwargs) -> None:
        # The view reads the clock; the filters only compare with it.
        self.now = now
        super().__init__(*args, **kwargs)

    def filter_text(self, queryset: CommitmentQuerySet, name: str, value: str) -> CommitmentQuerySet:
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(code__icontains=word)
                | Q(provision__text__icontains=word)
            )
        return queryset

    def filter_overdue(self, queryset: CommitmentQuerySet, name: str, value: str) -> CommitmentQuerySet:
        if value == "yes":
            return queryset.overdue(self.now)
        return queryset.not_overdue(self.now)

    def filter_due_soon(self, queryset: CommitmentQuerySet, name: str, value: str) -> CommitmentQuerySet:
        return queryset.due_soon(self.now)

    def filter_disputed(self, queryset: CommitmentQuerySet, name: str, value: str) -> CommitmentQuerySet:
        if value == "yes":
            return queryset.disputed()
        return queryset.filter(is_disputed=False)  # the stored flag: no read of the whole table

    def filter_contested(self, queryset: CommitmentQuerySet, name: str, value: str) -> CommitmentQuerySet:
        if value == "yes":
            return queryset.contested()
        return queryset.filter(is_contested=False)

    def filter_support(self, queryset: CommitmentQuerySet, name: str, value: str) -> CommitmentQuerySet:
        return queryset.with_current_support(value)


# --- The API's other lists: narrow by agreement, commitment or party -----------------


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number within the range of the database's id columns (a larger one is
    refused as invalid input, not passed to the database, which would fail on it)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)


def agreement_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    """An agreement by its slug; one that does not exist is refused, as on the commitment list."""
    return django_filters.ModelChoiceFilter(
        label=_("Agreement"), field_name=field_name, to_field_name="slug", queryset=Agreement.objects.all()
    )


class ProvisionFilter(django_filters.FilterSet):
    agreement = agreement_filter("agreement")

    class Meta:
        model = Provision
        fields: list[str] = []


class StatusUpdateFilter(django_filters.FilterSet):
    agreement = agreement_filter("commitment__provision__agreement")
    commitment = IdFilter(label=_("Commitment"), field_name="commitment_id")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)

    class Meta:
        model = StatusUpdate
        fields: list[str] = []


class ClaimFilter(django_filters.FilterSet):
    agreement = agreement_filter("commitment__provision__agreement")
    commitment = IdFilter(label=_("Commitment"), field_name="commitment_id")
    party = django_filters.ModelChoiceFilter(
        label=_("Party"), field_name="party", to_field_name="slug", queryset=Party.objects.all()
    )
    position = django_filters.ChoiceFilter(label=_("Position"), choices=Claim.Position.choices)

    class Meta:
        model = Claim
        fields: list[str] = []


LANGUAGE_CODE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z"


class SourceFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Source.Kind.choices)
    # A language code as stored (en, ru, hy, az-Latn); not stripped, so " en" is refused, not read as "en".
    language = django_filters.CharFilter(
        label=_("Language"),
        strip=False,
        max_length=16,
        validators=[RegexValidator(LANGUAGE_CODE, _("Enter a language code such as en or ru."))],
    )

    class Meta:
        model = Source
        fields: list[str] = []


# --- The incident log: the pages, the exports, the feeds and the API share these filters ---------


class IncidentFilter(django_filters.FilterSet):
    agreement = django_filters.ModelChoiceFilter(
        label=_("Agreement"),
        field_name="agreement",
        to_field_name="slug",
        queryset=Agreement.objects.all(),
        empty_label=_("All agreements"),
    )
    alleged_by = django_filters.ModelChoiceFilter(
        label=_("Alleged by"),
        field_name="alleged_by",
        to_field_name="slug",
        queryset=Party.objects.filter(pk__in=Incident.objects.on_record().values("alleged_by")),
        empty_label=_("Any party"),
    )
    alleged_against = django_filters.ModelChoiceFilter(
        label=_("Alleged against"),
        field_name="alleged_against",
        to_field_name="slug",
        queryset=Party.objects.filter(pk__in=Incident.objects.on_record().values("alleged_against")),
        empty_label=_("Any party"),
    )
    event_type = django_filters.ChoiceFilter(
        label=_("Kind of event"), choices=EventType.choices, empty_label=_("Any kind")
    )
    sub_event_type = django_filters.ChoiceFilter(
        label=_("Sub-event type"), choices=SubEventType.choices, empty_label=_("Any sub-event type")
    )
    verification = django_filters.ChoiceFilter(
        label=_("Verification"), choices=Verification.choices, method="filter_verification", empty_label=_("Any")
    )
    commitment = IdFilter(
        label=_("Commitment it bears on"), field_name="commitments", help_text=_("The commitment's number (id).")
    )
    date_from = django_filters.DateFilter(label=_("From"), method="filter_date_from")
    date_to = django_filters.DateFilter(label=_("To"), field_name="occurred_on", lookup_expr="lte")

    class Meta:
        model = Incident
        fields: list[str] = []

    def filter_verification(self, queryset: IncidentQuerySet, name: str, value: str) -> IncidentQuerySet:
        return queryset.verified_as(value)

    def filter_date_from(self, queryset: IncidentQuerySet, name: str, value: dt.date) -> IncidentQuerySet:
        # An incident over several days is in the range while any of its days is.
        return queryset.filter(Q(ended_on__gte=value) | Q(ended_on__isnull=True, occurred_on__gte=value))


class SearchFilter(django_filters.FilterSet):
    """The API's search: the words, an agreement, a kind of result (commitments.search)."""

    # Not stripped: a query of spaces or punctuation is valid, and finds nothing.
    q = django_filters.CharFilter(
        label=_("Words"),
        required=True,
        strip=False,
        max_length=search.MAX_QUERY_LENGTH,
        method="keep",
        help_text=_("Every word must match, as the beginning of a word."),
    )
    agreement = agreement_filter("agreement")
    kind = django_filters.ChoiceFilter(label=_("Kind of result"), choices=search.kind_choices(), method="keep")

    class Meta:
        model = SearchEntry
        fields: list[str] = []

    def keep(self, queryset, name: str, value):
        return queryset  # the search itself runs on the index (commitments.search.SearchResults)
