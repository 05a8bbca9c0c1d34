"""The API's commitment list takes the dashboard's filters and returns the same commitments,
with the deadline in force, its history and the derived states as of the request."""

import datetime as dt

import pytest
import time_machine

from tests.factories import karabakh_like

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "overdue=yes",
    "overdue=no",
    "disputed=yes",
    "party=azerbaijan",
    "category=territorial_handover",
    "status=fulfilled",
    "q=Kalbajar",
    "deadline_from=2020-11-21&deadline_to=2020-12-31",
    "agreement=statement-2020&sort=-deadline",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_api_lists_the_commitments_the_dashboard_lists(client, query):
    karabakh_like()

    page = client.get(f"/commitments/?{query}")
    api = client.get(f"/api/commitments/?{query}")

    assert api.status_code == 200
    assert [c["id"] for c in api.json()["results"]] == [c.pk for c, _ in page.context["rows"]]


def test_an_invalid_filter_is_a_400_naming_it(client):
    karabakh_like()

    response = client.get("/api/commitments/?status=nonsense&deadline_to=31.02.2020")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "deadline_to"}


@time_machine.travel(dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC), tick=False)
def test_a_commitment_shows_its_deadline_history_and_derived_states(client):
    data = karabakh_like()

    kalbajar = client.get(f"/api/commitments/{data.kalbajar.pk}/").json()
    route = client.get(f"/api/commitments/{data.route.pk}/").json()
    prisoners = client.get(f"/api/commitments/{data.prisoners.pk}/").json()

    assert kalbajar["original_deadline"] == "2020-11-15"
    assert kalbajar["deadline_in_force"] == "2020-11-25"
    assert kalbajar["deadline_ends_at"] == "2020-11-25T21:00:00Z"  # midnight in Moscow
    assert [
        (c["previous_deadline"], c["new_deadline"], c["requested_by"], c["agreed_by"])
        for c in kalbajar["deadline_changes"]
    ] == [("2020-11-15", "2020-11-25", "armenia", ["azerbaijan"])]
    assert (kalbajar["current_status"], kalbajar["is_overdue"], kalbajar["days_late"]) == ("fulfilled", False, None)
    assert (route["is_overdue"], route["days_overdue"]) == (True, 52)  # 36 months from 10 Nov 2020
    assert prisoners["is_disputed"] is True


def test_status_updates_come_with_their_evidence_and_claims_say_when_they_conflict(client):
    data = karabakh_like()

    updates = client.get(f"/api/status-updates/?commitment={data.prisoners.pk}").json()["results"]
    claims = client.get("/api/claims/?agreement=statement-2020&party=russia").json()["results"]

    assert [(u["status"], [(e["source"], e["quote"]) for e in u["evidence"]]) for u in updates] == [
        ("minimal", [(data.azatutyun.pk, "Talks on the exchange continue.")])
    ]
    assert [(c["speaker"]["name"], c["speaker"]["role"], c["is_conflicting"]) for c in claims] == [
        ("Sergei Lavrov", "Russian foreign minister", True)
    ]


def test_lists_are_paginated(client):
    karabakh_like()

    first = client.get("/api/sources/?page_size=3").json()
    second = client.get(first["next"]).json()

    assert first["count"] == 4
    assert len(first["results"]) == 3
    assert len(second["results"]) == 1
    assert second["next"] is None


@pytest.mark.parametrize("path", ["/api/agreements/a%00b/", "/api/agreements/статья/", "/api/commitments/1%00/"])
def test_an_address_that_cannot_name_a_record_is_a_404(client, path):
    karabakh_like()

    assert client.get(path).status_code == 404
