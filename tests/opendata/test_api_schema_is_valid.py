"""The OpenAPI 3 schema at /api/schema/ is valid, by drf-spectacular's own validation and by
openapi-spec-validator, and documents every read-only operation of the API."""

import json

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    # --fail-on-warn: a serializer field whose type the schema had to guess fails this test.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_the_served_schema_is_a_valid_openapi_3_document(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    operations = {(path, method) for path, item in schema["paths"].items() for method in item}
    assert operations == {
        (f"/api/{name}/{suffix}", "get")
        for name, lookup in [
            ("agreements", "{slug}/"),
            ("provisions", "{id}/"),
            ("commitments", "{id}/"),
            ("status-updates", "{id}/"),
            ("claims", "{id}/"),
            ("sources", "{id}/"),
            ("incidents", "{id}/"),
        ]
        for suffix in ("", lookup)
    } | {("/api/search/", "get")}  # a list only


def test_the_commitment_list_documents_the_dashboards_filters(client):
    schema = json.loads(client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)

    parameters = {p["name"] for p in schema["paths"]["/api/commitments/"]["get"]["parameters"]}

    assert parameters >= {
        "q",
        "agreement",
        "party",
        "category",
        "status",
        "overdue",
        "disputed",
        "deadline_from",
        "deadline_to",
        "sort",
        "page",
        "page_size",
    }


def test_the_incident_list_documents_the_incident_pages_filters_with_their_values(client):
    schema = json.loads(client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)

    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/incidents/"]["get"]["parameters"]}

    assert set(parameters) >= {
        "agreement",
        "alleged_by",
        "alleged_against",
        "event_type",
        "sub_event_type",
        "verification",
        "commitment",
        "date_from",
        "date_to",
        "page",
        "page_size",
    }
    assert parameters["verification"]["enum"] == ["alleged", "confirmed", "corroborated"]
    assert "shelling_artillery_missile_attack" in parameters["sub_event_type"]["enum"]
    assert (parameters["commitment"]["minimum"], parameters["commitment"]["type"]) == (1, "integer")
    assert parameters["date_from"]["format"] == "date"
