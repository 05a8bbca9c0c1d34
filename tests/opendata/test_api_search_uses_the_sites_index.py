"""The API's search endpoint answers from the search page's index, with the API's contract: the
words required, an agreement and a kind from their enums, pages, an ETag."""

import pytest

from tests.factories import karabakh_like

pytestmark = pytest.mark.django_db


def test_it_finds_a_speaker_and_their_claim_with_highlighted_snippets(client):
    data = karabakh_like()

    response = client.get("/api/search/?q=Ayvazian")
    body = response.json()

    assert response.status_code == 200 and response["ETag"]
    assert [(hit["kind"], hit["title"]) for hit in body["results"]] == [
        ("claim", "Ara Ayvazian — Armenia"),
        ("source", "Lavrov and Ayvazian on the prisoner exchange"),
        ("speaker", "Ara Ayvazian"),
    ]
    assert body["results"][0]["agreement"] == data.agreement.slug and body["results"][2]["agreement"] is None
    assert "<mark>Ayvazian</mark>" in body["results"][2]["snippet"]
    assert body["results"][0]["page_url"].endswith(f"/commitments/{data.prisoners.pk}/#claim-{data.ayvazian.pk}")


def test_it_filters_by_kind_and_agreement_and_pages(client):
    data = karabakh_like()

    assert client.get("/api/search/?q=Ayvazian&kind=speaker").json()["count"] == 1
    assert client.get(f"/api/search/?q=Ayvazian&agreement={data.agreement.slug}").json()["count"] == 1
    assert len(client.get("/api/search/?q=a&page_size=2").json()["results"]) <= 2


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("", "q"),
        ("?q=", "q"),
        ("?q=x&kind=bogus", "kind"),
        ("?q=x&agreement=nope", "agreement"),
        ("?q=x&page_size=0", "page_size"),
    ],
)
def test_it_refuses_what_its_schema_forbids_naming_the_parameter(client, query, parameter):
    karabakh_like()

    response = client.get(f"/api/search/{query}")

    assert response.status_code == 400
    assert parameter in response.json()["errors"]


def test_the_schema_documents_its_parameters_and_answers(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/search/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}

    assert parameters["q"]["required"] is True and parameters["q"]["schema"]["maxLength"] == 200
    assert "speaker" in parameters["kind"]["schema"]["enum"]
    assert {"200", "304", "400", "404", "429"} <= set(operation["responses"])
