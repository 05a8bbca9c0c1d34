"""A filtered commitment list downloads as JSON with the list's filters, in the API's shape;
an agreement downloads in the seed format and loads into an empty database."""

import json

import pytest
from django.core.management import call_command

from commitments.models import Agreement, Claim, Commitment, DeadlineChange, Evidence, StatusUpdate
from commitments.seeding import export_agreement
from tests.commitments.test_export_round_trip import canonical, empty_the_database
from tests.factories import karabakh_like

pytestmark = pytest.mark.django_db


def test_the_json_has_the_same_commitments_as_the_filtered_list_and_the_api(client):
    karabakh_like()
    query = "disputed=no&sort=title"

    page = client.get(f"/commitments/?{query}")
    export = client.get(f"/commitments/export.json?{query}")
    api = client.get(f"/api/commitments/?{query}")

    assert export.status_code == 200
    document = json.loads(export.content)
    assert [c["id"] for c in document["results"]] == [c.pk for c, _ in page.context["rows"]]
    assert document["count"] == len(document["results"])
    assert document["results"] == api.json()["results"]


def test_an_agreement_downloaded_as_json_loads_into_an_empty_database_nothing_lost(client, tmp_path):
    data = karabakh_like()
    Evidence.objects.create(
        status_update=data.prisoners.status_updates.get(),
        source=data.azatutyun,
        quote="Армения и Азербайджан обменялись пленными",
        is_verbatim=False,
    )
    response = client.get(f"/agreements/{data.agreement.slug}/export.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    before = json.loads(response.content)
    path = tmp_path / "statement-2020.json"
    path.write_bytes(response.content)
    counts = [model.objects.count() for model in (Commitment, DeadlineChange, StatusUpdate, Evidence, Claim)]

    empty_the_database()
    call_command("load_agreement", str(path))  # JSON is YAML: the file loads as it is

    rebuilt = Agreement.objects.get(slug=data.agreement.slug)
    assert canonical(export_agreement(rebuilt)) == canonical(before)
    assert [model.objects.count() for model in (Commitment, DeadlineChange, StatusUpdate, Evidence, Claim)] == counts
    assert Evidence.objects.filter(quote="Армения и Азербайджан обменялись пленными", is_verbatim=False).exists()


def test_an_unknown_agreement_is_a_404(client):
    assert client.get("/agreements/nothing-here/export.json").status_code == 404
