"""Every public page runs a fixed number of queries, however much data there is.

Each page is measured on the small statement-like data set, again after adding
three agreements with 120 commitments, their assessments, claims and deadline changes,
and again with more agreements than the home page draws panels for; the same bound holds
for all three.
"""

import pytest
from django.urls import reverse

from commitments.models import Agreement, Commitment, Source
from dashboard.views import HOME_AGREEMENT_LIMIT
from tests.factories import add_incident, bulk_data, karabakh_like
from tests.query_counts import addresses_over_their_bound

pytestmark = pytest.mark.django_db

# The bound for each page (see the views for what each query fetches).
# Each includes the one query of the data version that keys the page cache.
MAX_QUERIES = {
    # With the contested count (issue 11); + all agreements and all overdue commitments counted
    # when there are more agreements than panels (issue 16); the per-party rollup (issue 14: two
    # grouped counts).
    "home": 18,
    # The page of agreements, their count, and their figures (four grouped counts).
    "agreement_list": 7,
    "commitment_list": 7,
    "commitment_list_filtered": 7,
    # The busiest here: the data version, the commitment (with_entry_flags: which kinds it has), its
    # parties, assessments and their evidence, the agreement's texts, claims, incidents and their
    # evidence. Every kind present would be 14 (+ other versions' wordings, supervising bodies, deadline
    # changes and who agreed them, the incidents assessments rest on, the event a deadline counts
    # from); assessments alone, 5 (issue 16).
    "commitment_detail": 9,
    "agreement_detail": 18,  # + links both ways (2 × 3), events, implementation over time (2) (issue 14), incidents (issue 13)
    "source_list": 9,  # + the latest link checks and stored copies (two prefetches), + citation counts of the page (three)
    "source_detail": 8,  # + the latest link checks and stored copy (two prefetches), the stored copies
    # The incident log: the filters' menus (agreements, parties, commitments), the page with its prefetches
    # (actors, commitments, evidence, casualty reports), the count, the weekly counts and the month-only count.
    "incident_list": 14,
    "incident_list_filtered": 15,  # + the agreement, and the verification filter in the count
    "incident_detail": 8,
}


def urls(data) -> dict[str, str]:
    busiest = Commitment.objects.filter(provision__agreement__slug="bulk-0").order_by("pk").first() or data.prisoners
    busiest_source = Source.objects.order_by("-pk").first()
    return {
        "home": reverse("dashboard:home"),
        "commitment_list": reverse("dashboard:commitment_list"),
        "commitment_list_filtered": reverse("dashboard:commitment_list")
        + "?overdue=yes&disputed=no&party=party-1&q=bulk&sort=-deadline&page=1",
        "commitment_detail": busiest.get_absolute_url(),
        "agreement_list": reverse("dashboard:agreement_list"),
        "agreement_detail": (Agreement.objects.filter(slug="bulk-0").first() or data.agreement).get_absolute_url(),
        "source_list": reverse("dashboard:source_list"),
        "source_detail": reverse("dashboard:source_detail", args=[busiest_source.pk]),
        "incident_list": reverse("dashboard:incident_list"),
        "incident_list_filtered": reverse("dashboard:agreement_incident_list", args=[data.agreement.slug])
        + "?alleged_by=armenia&verification=corroborated&date_from=2020-11-01&commitment="
        + str(data.prisoners.pk),
        "incident_detail": data.shelling.get_absolute_url(),
    }


@pytest.mark.parametrize("size", ["small", "large", "many_agreements"])
def test_each_page_runs_a_fixed_number_of_queries(client, size):
    # The data set is built once per size and every page is measured on it.
    data = karabakh_like()
    if size == "large":
        bulk_data(agreements=3, points=10, per_point=4)
        bulk_incidents(data, 40)
    if size == "many_agreements":
        bulk_data(agreements=HOME_AGREEMENT_LIMIT + 3, points=2, per_point=2)

    over_bound = addresses_over_their_bound(client, urls(data), MAX_QUERIES)
    assert not over_bound, "pages over their bound (queries, bound, SQL): " + repr(over_bound)


def bulk_incidents(data, count: int) -> None:
    """Incidents of the statement, alleged by Armenia, each bearing on the prisoner exchange."""
    for n in range(count):
        add_incident(
            data.agreement,
            data.azatutyun.published_on,
            data.azatutyun,
            f"Report {n}.",
            location=f"Village {n}",
            alleged_by=data.armenia,
            alleged_against=data.azerbaijan,
            commitments=[data.prisoners],
        )
