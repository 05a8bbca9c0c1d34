"""The read-only API: lists and details of the tracker's records, filtered by the same
FilterSets as the dashboard, paginated, rate limited, with an ETag on every answer."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, IntegerField, OuterRef, Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError

from commitments import search
from commitments.filters import (
    ClaimFilter,
    CommitmentFilter,
    IncidentFilter,
    ProvisionFilter,
    SearchFilter,
    SourceFilter,
    StatusUpdateFilter,
)
from commitments.models import (
    Agreement,
    Claim,
    Commitment,
    Evidence,
    Incident,
    Provision,
    SearchEntry,
    Source,
    StatusUpdate,
)

from ..http import current_etag
from . import serializers
from .caching import CachedResponsesMixin
from .pagination import Pagination
from .schema import MAX_ID


class FilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend that also gives the FilterSet what the view adds (the clock, for CommitmentFilter)."""

    def get_filterset_kwargs(self, request, queryset, view) -> dict:
        return {**super().get_filterset_kwargs(request, queryset, view), **view.get_filterset_extra_kwargs()}


class ListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A list. Throttling runs first; then a request whose If-None-Match matches the
    data's current ETag gets a 304 before anything is loaded."""

    filter_backends = [FilterBackend]
    pagination_class = Pagination
    # Representations with derived states (overdue…) change with the clock, too.
    time_dependent = False

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles
        self.now = timezone.now()
        self.etag = quote_etag(current_etag(request, self.now if self.time_dependent else None))

    def list(self, request, *args, **kwargs):
        # Every parameter is checked before the ETag, so that invalid input is a 400, never a 304.
        self.check_query_parameters(request)
        queryset = self.filter_queryset(self.get_queryset())  # a 400 for an invalid filter value
        self.paginator.clean_parameters(request)
        if not_modified := get_conditional_response(request, etag=self.etag):
            return not_modified
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def check_query_parameters(self, request) -> None:
        """Refuse (400) a documented query parameter given twice, empty or holding a NUL character.
        The pages' filter forms send empty values for "any"; the API says so by leaving a parameter out."""
        filterset_class = getattr(self, "filterset_class", None)
        names = [*(filterset_class.base_filters if filterset_class else ()), *self.paginator.fields()]
        errors = {}
        for name in names:
            values = request.query_params.getlist(name)
            if len(values) > 1:
                errors[name] = [_("Give this parameter once.")]
            elif values == [""]:
                errors[name] = [_("Give a value, or leave the parameter out.")]
            elif values and "\x00" in values[0]:
                errors[name] = [_("Null characters are not allowed.")]
        if errors:
            raise ValidationError(errors)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "etag", None) and response.status_code in (200, 304) and not response.has_header("ETag"):
            response["ETag"] = self.etag  # a stale answer from the cache keeps its own
        return response

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "now": getattr(self, "now", None) or timezone.now()}

    def get_filterset_extra_kwargs(self) -> dict:
        return {}


class CheckedReadOnlyViewSet(mixins.RetrieveModelMixin, ListViewSet):
    """List and detail, with the list's checks and conditional answers."""

    def retrieve(self, request, *args, **kwargs):
        lookup = self.lookup_filter()
        # Only a record that exists has a version to match (If-None-Match: * included).
        if "If-None-Match" in request.headers and self.get_queryset().filter(**lookup).exists():
            if not_modified := get_conditional_response(request, etag=self.etag):
                return not_modified
        return super().retrieve(request, *args, **kwargs)

    def lookup_filter(self) -> dict:
        """Return the filter the address names, or raise a 404 for a value no record can have
        (the database would fail on an id beyond its 64-bit range)."""
        meta = self.get_queryset().model._meta
        field = meta.pk if self.lookup_field == "pk" else meta.get_field(self.lookup_field)
        try:
            value = field.to_python(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        except DjangoValidationError:
            raise Http404 from None
        if isinstance(field, IntegerField) and not 1 <= value <= MAX_ID:
            raise Http404
        return {self.lookup_field: value}


class ReadOnlyViewSet(CachedResponsesMixin, CheckedReadOnlyViewSet):
    """The checked list and detail, answered from the cache (opendata/api/caching.py) when an
    answer for the same address and data version is there: its parameters were checked when it
    was rendered, so a repeated request reads only the data version."""


class AgreementViewSet(ReadOnlyViewSet):
    """Agreements, with their signatories (party slugs), published text versions, the events their
    deadlines count from, and their links to other agreements both ways (implements, implemented by…)."""

    queryset = (
        Agreement.objects.with_links().prefetch_related("signatories", "texts", "events").order_by("-signed_on", "slug")
    )
    serializer_class = serializers.AgreementSerializer
    lookup_field = "slug"
    # Only what a slug can hold: anything else (a NUL byte breaks PostgreSQL) is not an address here.
    lookup_value_regex = "[-a-zA-Z0-9_]+"


class ProvisionViewSet(ReadOnlyViewSet):
    """Numbered points of the agreements, with the ids of their commitments."""

    queryset = (
        Provision.objects.select_related("agreement")
        .prefetch_related("commitments")
        .order_by("agreement__signed_on", "agreement__slug", "position", "id")
    )
    serializer_class = serializers.ProvisionSerializer
    filterset_class = ProvisionFilter


class CommitmentViewSet(ReadOnlyViewSet):
    """Commitments with their deadline (original, in force, the history of agreed changes, and a
    renewable commitment's terms) and derived states as of the request: overdue, due soon,
    disputed, contested, fulfilled late, the support of the current assessment. Filters are the dashboard's."""

    # Only what the rows read (not the deadline event's source), and no prefetches: the serializer
    # reads the related records of a whole page at once (CommitmentRelations), the version
    # deadlines only of the commitments that have any. Each request works on a copy
    # (GenericAPIView.get_queryset calls .all()).
    queryset = Commitment.objects.select_related("provision__agreement", "deadline_event").with_version_deadline_flag()
    serializer_class = serializers.CommitmentSerializer
    filterset_class = CommitmentFilter
    time_dependent = True

    def filter_queryset(self, queryset):
        # Without a filter parameter the list is the whole list (every filter passes an empty value
        # through): the FilterSet and its form are not built (a millisecond of the plain list).
        if not any(name in self.request.query_params for name in self.filterset_class.base_filters):
            return queryset
        return super().filter_queryset(queryset)

    def get_filterset_extra_kwargs(self) -> dict:
        return {"now": getattr(self, "now", None) or timezone.now()}


class StatusUpdateViewSet(ReadOnlyViewSet):
    """Monitors' assessments, newest first, each with its evidence. A corrected entry stays
    listed with is_corrected true; the entry that corrects it names it in `corrects`."""

    queryset = (
        StatusUpdate.objects.published()
        .with_is_corrected()
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("source", "speaker__party").order_by("pk"))
        )
        .order_by("-as_of", "-recorded_at", "-id")
    )
    serializer_class = serializers.StatusUpdateSerializer
    filterset_class = StatusUpdateFilter


class ClaimViewSet(ReadOnlyViewSet):
    """What the parties' officials said (speaker, whose words the quote is), with is_conflicting where claims
    contradict each other or the text, and is_contesting where a claim contradicts the tracker's current assessment."""

    queryset = Claim.objects.published().select_related("party", "speaker__party").order_by("-stated_on", "-id")
    serializer_class = serializers.ClaimSerializer
    filterset_class = ClaimFilter

    @staticmethod
    def with_flags(queryset):
        return queryset.annotate(
            is_conflicting=Exists(Claim.objects.conflicting().filter(pk=OuterRef("pk"))),
            is_contesting=Exists(Claim.objects.contesting().filter(pk=OuterRef("pk"))),
        )

    def get_queryset(self):
        queryset = super().get_queryset()
        return self.with_flags(queryset) if self.action == "retrieve" else queryset

    def paginate_queryset(self, queryset):
        # The flags of the page's claims only: annotated on the whole list, PostgreSQL hashed every
        # standing assessment to find them before the LIMIT (0.2 s at the benchmark's scale).
        page = super().paginate_queryset(queryset)
        if page is None:
            return page
        flags = dict(
            (pk, (conflicting, contesting))
            for pk, conflicting, contesting in self.with_flags(Claim.objects.filter(pk__in=[c.pk for c in page]))
            .order_by()
            .values_list("pk", "is_conflicting", "is_contesting")
        )
        for claim in page:  # (one deleted between the two queries has no flags)
            claim.is_conflicting, claim.is_contesting = flags.get(claim.pk, (False, False))
        return page


class SourceViewSet(ReadOnlyViewSet):
    """The documents that evidence, claims and deadline changes quote."""

    queryset = (
        Source.objects.with_link_state().select_related("affiliated_party").order_by("-published_on", "publisher", "id")
    )
    serializer_class = serializers.SourceSerializer
    filterset_class = SourceFilter


class IncidentViewSet(ReadOnlyViewSet):
    """The incident log: incidents in ACLED's terms (date and time precision, place and geo-precision, event
    and sub-event type, actors), who alleges each against whom, the casualties reported with the figures used
    (the lowest reported), the commitments each bears on, its evidence, and how well its sources verify it.
    Filters are the incident pages'."""

    queryset = Incident.objects.on_record().for_display().order_by("-occurred_on", "-recorded_at", "-id")
    serializer_class = serializers.IncidentSerializer
    filterset_class = IncidentFilter


class SearchViewSet(ListViewSet):
    """Search across everything the site shows, on the search page's index: commitments, the text of the
    agreements, assessments and the passages they quote, claims, sources, parties, speakers, agreements.
    Every word of `q` must match (as the beginning of a word). Results are grouped by kind (in the order
    of the `kind` enum) and ranked within a kind; `snippet` is HTML, escaped, with the matched words in
    <mark>. When more than 1,000 entries match, only 1,000 of them (the first the index yields) are counted
    and ranked (add a word or an agreement to narrow the search)."""

    serializer_class = serializers.SearchHitSerializer
    filterset_class = SearchFilter
    queryset = SearchEntry.objects.none()  # the hits come from commitments.search (filter_queryset)

    def filter_queryset(self, queryset):
        filterset = SearchFilter(self.request.query_params, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        data = filterset.form.cleaned_data
        agreement = data.get("agreement")
        kind = data.get("kind")
        return search.SearchResults(
            data["q"], agreement_id=agreement.pk if agreement else None, kinds=[kind] if kind else None
        )

    def get_serializer_context(self) -> dict:
        return {
            **super().get_serializer_context(),
            "agreement_slugs": dict(Agreement.objects.values_list("pk", "slug")),
        }


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar package's files, its start-up script a separate request:
    the page runs under the site's Content-Security-Policy (no inline scripts or styles)."""

    template_name = "opendata/api_docs.html"
