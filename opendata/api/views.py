"""The read-only API: lists and details of the tracker's records, filtered by the same
FilterSets as the dashboard, paginated, rate limited, with an ETag on every answer."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.cache import get_conditional_response, quote_etag
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import viewsets

from commitments.filters import ClaimFilter, CommitmentFilter, ProvisionFilter, SourceFilter, StatusUpdateFilter
from commitments.models import Agreement, Claim, Commitment, Evidence, Provision, Source, StatusUpdate

from ..http import current_etag
from . import serializers
from .caching import CachedResponsesMixin
from .pagination import Pagination


class FilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend that also gives the FilterSet what the view adds (the clock, for CommitmentFilter)."""

    def get_filterset_kwargs(self, request, queryset, view) -> dict:
        return {**super().get_filterset_kwargs(request, queryset, view), **view.get_filterset_extra_kwargs()}


class ReadOnlyViewSet(CachedResponsesMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail. Throttling runs first; then a request whose If-None-Match matches the
    data's current ETag gets a 304 before anything is loaded; then the answer comes from the
    cache (opendata/api/caching.py) or is rendered."""

    filter_backends = [FilterBackend]
    pagination_class = Pagination
    # Representations with derived states (overdue…) change with the clock, too.
    time_dependent = False

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles
        self.now = timezone.now()
        self.etag = quote_etag(current_etag(request, self.now if self.time_dependent else None))

    def list(self, request, *args, **kwargs):
        return get_conditional_response(request, etag=self.etag) or super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return get_conditional_response(request, etag=self.etag) or super().retrieve(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "etag", None) and response.status_code in (200, 304) and not response.has_header("ETag"):
            response["ETag"] = self.etag
        return response

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "now": getattr(self, "now", None) or timezone.now()}

    def get_filterset_extra_kwargs(self) -> dict:
        return {}


class AgreementViewSet(ReadOnlyViewSet):
    """Agreements, with their signatories (party slugs) and published text versions."""

    queryset = Agreement.objects.prefetch_related("signatories", "texts").order_by("-signed_on", "slug")
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
    """Commitments with their deadline (original, in force, and the history of agreed changes)
    and derived states as of the request: overdue, due soon, disputed, fulfilled late.
    Filters are the dashboard's."""

    serializer_class = serializers.CommitmentSerializer
    filterset_class = CommitmentFilter
    time_dependent = True

    def get_queryset(self):
        return Commitment.objects.for_open_data()

    def get_filterset_extra_kwargs(self) -> dict:
        return {"now": getattr(self, "now", None) or timezone.now()}


class StatusUpdateViewSet(ReadOnlyViewSet):
    """Monitors' assessments, newest first, each with its evidence. A corrected entry stays
    listed with is_corrected true; the entry that corrects it names it in `corrects`."""

    queryset = (
        StatusUpdate.objects.annotate(is_corrected=Exists(StatusUpdate.objects.filter(corrects=OuterRef("pk"))))
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
        .order_by("-as_of", "-recorded_at", "-id")
    )
    serializer_class = serializers.StatusUpdateSerializer
    filterset_class = StatusUpdateFilter


class ClaimViewSet(ReadOnlyViewSet):
    """What the parties' officials said, with is_conflicting where claims contradict each other or the text."""

    queryset = (
        Claim.objects.select_related("party")
        .annotate(is_conflicting=Exists(Claim.objects.conflicting().filter(pk=OuterRef("pk"))))
        .order_by("-stated_on", "-id")
    )
    serializer_class = serializers.ClaimSerializer
    filterset_class = ClaimFilter


class SourceViewSet(ReadOnlyViewSet):
    """The documents that evidence, claims and deadline changes quote."""

    queryset = Source.objects.with_link_state().order_by("-published_on", "publisher", "id")
    serializer_class = serializers.SourceSerializer
    filterset_class = SourceFilter


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar package's files, its start-up script a separate request:
    the page runs under the site's Content-Security-Policy (no inline scripts or styles)."""

    template_name = "opendata/api_docs.html"
