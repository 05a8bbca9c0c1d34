from django.urls import path

from commitments.filters import CommitmentFilter, IncidentFilter

from . import views
from .page_cache import cache_public_page

app_name = "dashboard"

# The query parameters of the commitment list whose pages are cached: its filters and the page.
LIST_PARAMETERS = frozenset(CommitmentFilter.base_filters) | {"page"}
INCIDENT_LIST_PARAMETERS = frozenset(IncidentFilter.base_filters) | {"page"}
# Pages that show the past (?as_of=YYYY-MM-DD) are cached by it too.
AS_OF = frozenset({"as_of"})
SEARCH_PARAMETERS = frozenset({"q", "agreement", "kind", "page"})

urlpatterns = [
    path("", cache_public_page(views.HomeView.as_view(), AS_OF), name="home"),
    path(
        "commitments/",
        cache_public_page(views.CommitmentListView.as_view(), LIST_PARAMETERS),
        name="commitment_list",
    ),
    path(
        "commitments/<int:pk>/",
        cache_public_page(views.CommitmentDetailView.as_view(), AS_OF),
        name="commitment_detail",
    ),
    path(
        "agreements/",
        cache_public_page(views.AgreementListView.as_view(), frozenset({"page"})),
        name="agreement_list",
    ),
    path(
        "agreements/<slug:slug>/",
        cache_public_page(views.AgreementDetailView.as_view(), AS_OF),
        name="agreement_detail",
    ),
    path(
        "agreements/<slug:slug>/incidents/",
        cache_public_page(views.IncidentListView.as_view(), INCIDENT_LIST_PARAMETERS),
        name="agreement_incident_list",
    ),
    path(
        "incidents/",
        cache_public_page(views.IncidentListView.as_view(), INCIDENT_LIST_PARAMETERS),
        name="incident_list",
    ),
    path("incidents/<int:pk>/", cache_public_page(views.IncidentDetailView.as_view()), name="incident_detail"),
    path(
        "agreements/<slug:slug>/implementation/",
        cache_public_page(views.AgreementImplementationView.as_view()),
        name="agreement_implementation",
    ),
    path("parties/", cache_public_page(views.PartyListView.as_view(), frozenset({"page"})), name="party_list"),
    path(
        "parties/<slug:slug>/",
        cache_public_page(views.PartyDetailView.as_view(), frozenset({"page"})),
        name="party_detail",
    ),
    path("speakers/<int:pk>/", cache_public_page(views.SpeakerDetailView.as_view()), name="speaker_detail"),
    path("search/", cache_public_page(views.SearchView.as_view(), SEARCH_PARAMETERS), name="search"),
    path("sources/", cache_public_page(views.SourceListView.as_view()), name="source_list"),
    path("sources/<int:pk>/", cache_public_page(views.SourceDetailView.as_view()), name="source_detail"),
    path("methodology/", cache_public_page(views.MethodologyView.as_view()), name="methodology"),
    path("corrections/", cache_public_page(views.CorrectionsView.as_view(), frozenset({"page"})), name="corrections"),
    # Never cached: who may download is decided per request (SOURCE_SNAPSHOTS_PUBLIC).
    path(
        "sources/<int:source_pk>/copies/<int:pk>/",
        views.source_snapshot_download,
        name="source_snapshot_download",
    ),
]
