"""The API lists, exports, feeds and calendars run a fixed number of queries, however much
data there is: measured on the small statement-like data set and again with three more
agreements of 80 commitments, their assessments, claims and deadline changes."""

import pytest

from commitments.models import Commitment
from tests.factories import bulk_data, karabakh_like
from tests.query_counts import addresses_over_their_bound

pytestmark = pytest.mark.django_db

# The bound for each address; one of the queries is the data version behind the ETag.
MAX_QUERIES = {
    "api_agreements": 8,  # + events, links both ways (issue 14)
    "api_provisions": 5,
    "api_commitments": 6,  # the related records of a page in three queries (CommitmentRelations)
    "api_commitments_filtered": 7,  # + the party of the filter
    "api_commitment": 5,
    "api_status_updates": 4,
    "api_claims": 4,  # + the flags of the page's claims
    "api_sources": 5,  # + the latest link checks and stored copies (two prefetches)
    "export_csv": 7,  # + the versions' wordings of deadlines (issue 14)
    "export_csv_filtered": 7,
    "export_json": 5,
    "calendar_filtered": 6,
    "calendar_agreement": 8,
    "agreement_export_json": 36,  # export_agreement (seeding.py) prefetches everything it writes (incidents, speakers, events, links and the points they name) and reads what nothing cites
    "feed": 4,
    "feed_agreement": 5,
    "feed_commitment": 5,
}
FILTERS = "overdue=no&disputed=yes&party=armenia&q=bulk&sort=-deadline"


def urls(data) -> dict[str, str]:
    busiest = Commitment.objects.filter(provision__agreement__slug="bulk-0").order_by("pk").first() or data.prisoners
    slug = "bulk-0" if busiest != data.prisoners else data.agreement.slug
    return {
        "api_agreements": "/api/agreements/",
        "api_provisions": "/api/provisions/",
        "api_commitments": "/api/commitments/",
        "api_commitments_filtered": f"/api/commitments/?{FILTERS}",
        "api_commitment": f"/api/commitments/{busiest.pk}/",
        "api_status_updates": "/api/status-updates/",
        "api_claims": "/api/claims/",
        "api_sources": "/api/sources/",
        "export_csv": "/commitments/export.csv",
        "export_csv_filtered": f"/commitments/export.csv?{FILTERS}",
        "export_json": "/commitments/export.json",
        "calendar_filtered": f"/commitments/deadlines.ics?{FILTERS}",
        "calendar_agreement": f"/agreements/{slug}/deadlines.ics",
        "agreement_export_json": f"/agreements/{slug}/export.json",
        "feed": "/feed.atom",
        "feed_agreement": f"/agreements/{slug}/feed.atom",
        "feed_commitment": f"/commitments/{busiest.pk}/feed.atom",
    }


@pytest.mark.parametrize("size", ["small", "large"])
def test_each_open_data_address_runs_a_fixed_number_of_queries(client, size):
    # The data set is built once per size and every address is measured on it.
    data = karabakh_like()
    if size == "large":
        bulk_data(agreements=3, points=10, per_point=4)

    over_bound = addresses_over_their_bound(client, urls(data), MAX_QUERIES)
    assert not over_bound, "addresses over their bound (queries, bound, SQL): " + repr(over_bound)
