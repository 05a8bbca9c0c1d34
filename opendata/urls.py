"""Downloads beside the public pages: exports of any filtered list (the list's query string),
calendars of deadlines and Atom feeds. The API is mounted separately, under /api/."""

from django.urls import path

from . import calendars, exports, feeds
from .http import conditional

app_name = "opendata"

urlpatterns = [
    path("commitments/export.csv", exports.commitment_list_csv, name="commitment_list_csv"),
    path("commitments/export.json", exports.commitment_list_json, name="commitment_list_json"),
    path("commitments/deadlines.ics", calendars.commitment_list_calendar, name="commitment_list_calendar"),
    path("agreements/<slug:slug>/export.json", exports.agreement_seed_json, name="agreement_export_json"),
    path("incidents/export.csv", exports.incident_list_csv, name="incident_list_csv"),
    path("incidents/export.json", exports.incident_list_json, name="incident_list_json"),
    path("incidents/acled.csv", exports.incident_list_acled, name="incident_list_acled"),
    path("incidents/feed.atom", conditional(time_dependent=False)(feeds.IncidentFeed()), name="incident_feed"),
    path("agreements/<slug:slug>/deadlines.ics", calendars.agreement_calendar, name="agreement_calendar"),
    path("feed.atom", conditional(time_dependent=False)(feeds.ChangesFeed()), name="feed"),
    path("corrections.atom", conditional(time_dependent=False)(feeds.CorrectionsFeed()), name="corrections_feed"),
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
