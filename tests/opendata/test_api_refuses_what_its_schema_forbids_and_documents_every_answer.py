"""The API's contract, as its schema states it and as the server keeps it: a query parameter out
of range, malformed, empty or given twice is a 400 naming it (page sizes are refused, never
clamped); a page past the last one and an unknown address are 404s; every error is JSON in
one shape; and every operation documents its 304, 400, 404 and 429 answers."""

import json

import pytest

from tests.factories import read_afresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(karabakh_like_loaded, db):
    """The data of karabakh_like(), built once for the module and read afresh for each test."""
    return read_afresh(karabakh_like_loaded)


REFUSED = [
    ("/api/commitments/?page_size=0", "page_size"),
    ("/api/commitments/?page_size=-1", "page_size"),
    ("/api/commitments/?page_size=201", "page_size"),
    ("/api/commitments/?page_size=null", "page_size"),
    ("/api/commitments/?page_size=2&page_size=3", "page_size"),
    ("/api/claims/?page=0", "page"),
    ("/api/claims/?page=last", "page"),
    ("/api/claims/?commitment=0", "commitment"),
    ("/api/claims/?commitment=1.5", "commitment"),
    ("/api/claims/?party=Armenia", "party"),
    ("/api/commitments/?party=nonexistent", "party"),
    ("/api/commitments/?category=", "category"),
    ("/api/commitments/?q=a%00b", "q"),
    ("/api/provisions/?agreement=no-such-agreement", "agreement"),
    ("/api/sources/?language=%20en", "language"),
]


@pytest.mark.parametrize(("url", "parameter"), REFUSED)
def test_a_value_the_schema_forbids_is_a_400_naming_the_parameter(client, url, parameter, data):
    response = client.get(url)

    assert response.status_code == 400, url
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body["errors"]) == [parameter]
    assert body["detail"] and body["errors"][parameter][0]


def test_the_values_the_schema_lists_are_accepted(client, data):
    for url in [
        "/api/commitments/?page_size=200&party=armenia&category=ceasefire",
        f"/api/claims/?commitment={data.prisoners.pk}&party=russia&agreement=statement-2020",
        "/api/provisions/?agreement=statement-2020",
        "/api/sources/?language=en",
        "/api/commitments/?sort=-deadline,title",
    ]:
        assert client.get(url).status_code == 200, url


def test_a_page_past_the_last_and_an_unknown_address_are_json_404s(client, data):
    for url in ["/api/commitments/?page=99", "/api/commitments/999999/", "/api/no-such-list/", "/api/agreements/ä/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json", url
        assert set(response.json()) == {"detail"}, url


def test_a_matching_if_none_match_on_a_record_that_does_not_exist_is_a_404_not_a_304(client, data):
    assert client.get("/api/commitments/999999/", HTTP_IF_NONE_MATCH="*").status_code == 404


def schema(client) -> dict:
    return json.loads(client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)


def test_every_operation_documents_its_304_400_404_and_429(client, data):
    document = schema(client)

    for path, item in document["paths"].items():
        responses = item["get"]["responses"]
        assert set(responses) == {"200", "304", "400", "404", "429"}, path
        for code in ("400", "404", "429"):
            assert responses[code]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
        assert "Retry-After" in responses["429"]["headers"], path
        assert "ETag" in responses["200"]["headers"] and "ETag" in responses["304"]["headers"], path
        assert "If-None-Match" in {p["name"] for p in item["get"]["parameters"] if p["in"] == "header"}, path
    assert document["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_integer_parameters_carry_their_range_and_choices_their_values(client, data):
    document = schema(client)

    def parameter(path: str, name: str) -> dict:
        return next(p["schema"] for p in document["paths"][path]["get"]["parameters"] if p["name"] == name)

    assert parameter("/api/claims/", "page_size") == {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}
    assert parameter("/api/claims/", "page")["minimum"] == 1
    assert parameter("/api/claims/", "commitment") == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    assert parameter("/api/claims/{id}/", "id") == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    # Slugs: the ones that exist (the schema is generated afresh on each request).
    assert parameter("/api/commitments/", "agreement")["enum"] == ["statement-2020"]
    assert parameter("/api/commitments/", "party")["enum"] == ["armenia", "azerbaijan"]
    assert "fulfilled" in parameter("/api/commitments/", "status")["enum"]
    assert parameter("/api/commitments/", "q")["pattern"] == "^[^\\x00]+$"
