from django.urls import path

from . import calendars, exports, feeds, views
from .filters import CommitmentFilter
from .http import conditional
from .page_cache import cache_public_page

app_name = "commitments"

# The query parameters of the commitment list whose pages are cached: its filters and the page.
LIST_PARAMETERS = frozenset(CommitmentFilter.base_filters) | {"page"}

urlpatterns = [
    path("", cache_public_page(views.HomeView.as_view()), name="home"),
    path(
        "commitments/",
        cache_public_page(views.CommitmentListView.as_view(), LIST_PARAMETERS),
        name="commitment_list",
    ),
    path("commitments/<int:pk>/", cache_public_page(views.CommitmentDetailView.as_view()), name="commitment_detail"),
    path("agreements/<slug:slug>/", cache_public_page(views.AgreementDetailView.as_view()), name="agreement_detail"),
    path("sources/", cache_public_page(views.SourceListView.as_view()), name="source_list"),
    path("sources/<int:pk>/", cache_public_page(views.SourceDetailView.as_view()), name="source_detail"),
    # Open data: exports of any filtered list, feeds, calendars (same query string as the list).
    path("commitments/export.csv", exports.commitment_list_csv, name="commitment_list_csv"),
    path("commitments/export.json", exports.commitment_list_json, name="commitment_list_json"),
    path("commitments/deadlines.ics", calendars.commitment_list_calendar, name="commitment_list_calendar"),
    path("agreements/<slug:slug>/export.json", exports.agreement_seed_json, name="agreement_export_json"),
    path("agreements/<slug:slug>/deadlines.ics", calendars.agreement_calendar, name="agreement_calendar"),
    path("feed.atom", conditional(time_dependent=False)(feeds.ChangesFeed()), name="feed"),
    path(
        "agreements/<slug:slug>/feed.atom",
        conditional(time_dependent=False)(feeds.AgreementChangesFeed()),
        name="agreement_feed",
    ),
    path(
        "commitments/<int:pk>/feed.atom",
        conditional(time_dependent=False)(feeds.CommitmentChangesFeed()),
        name="commitment_feed",
    ),
]
