"""A filtered commitment list downloads as CSV with the list's filters: UTF-8 with a byte
order mark, Armenian, Azerbaijani and Russian names intact, and no cell a spreadsheet
would run as a formula."""

import csv
import io

import pytest

from commitments.models import Party
from opendata.exports import neutralise_formula
from tests.factories import make_commitment, make_party, read_afresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(karabakh_like_loaded, db):
    """The data of karabakh_like(), built once for the module and read afresh for each test."""
    return read_afresh(karabakh_like_loaded)


def rows(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_csv_has_the_same_commitments_as_the_filtered_list(client, data):
    query = "overdue=no&category=territorial_handover&sort=-deadline"

    page = client.get(f"/commitments/?{query}")
    response = client.get(f"/commitments/export.csv?{query}")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert [int(row["id"]) for row in rows(response)] == [c.pk for c, _ in page.context["rows"]]


def test_the_overdue_commitments_download_with_their_deadline_and_days_overdue(client, data):
    [row] = rows(client.get("/commitments/export.csv?overdue=yes"))

    assert row["id"] == str(data.route.pk)
    assert (row["deadline_in_force"], row["overdue"], row["status"]) == ("2023-11-10", "yes", "Not yet assessed")
    assert int(row["days_overdue"]) > 0


def test_armenian_azerbaijani_and_russian_names_survive(client, data):
    names = ["Հայաստանի Հանրապետություն", "Azərbaycan Respublikası", "Российская Федерация"]
    parties = [make_party(f"p{i}", name) for i, name in enumerate(names)]
    make_commitment(
        data.point8, parties=parties, title="Обмен пленными — Գերիների փոխանակում — Əsirlərin mübadiləsi", deadline=None
    )

    [row] = rows(client.get("/commitments/export.csv?q=пленными"))

    assert row["title"] == "Обмен пленными — Գերիների փոխանակում — Əsirlərin mübadiləsi"
    assert row["responsible_parties"].split("; ") == sorted(names, key=lambda n: Party.objects.get(name=n).name)


@pytest.mark.parametrize(
    "title",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_escaped(client, title, data):
    make_commitment(data.point8, parties=[data.armenia], title=title, code="injected", description=title, deadline=None)

    [row] = [row for row in rows(client.get("/commitments/export.csv")) if row["code"] == "injected"]

    assert row["title"] == "'" + title
    assert row["description"] == "'" + title


def test_ordinary_text_and_numbers_stay_as_they_are():
    assert neutralise_formula("Return of the Aghdam district") == "Return of the Aghdam district"
    assert neutralise_formula("2020-11-20") == "2020-11-20"
    assert neutralise_formula("a = b") == "a = b"


def test_invalid_filters_are_a_400_not_an_empty_file(client):
    response = client.get("/commitments/export.csv?status=nonsense")

    assert response.status_code == 400
    assert "status" in response.json()["errors"]
