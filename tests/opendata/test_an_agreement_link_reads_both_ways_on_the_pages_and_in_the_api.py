"""A link recorded once, on the later agreement, reads both ways: "implements point 9" on the
later agreement's page and in its API entry, "implemented by … points 1–4" on the earlier one's
page (beside point 9) and in its API entry."""

import datetime as dt

import pytest

from tests.factories import add_link, make_agreement, make_provision

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked():
    statement = make_agreement()
    moscow = make_agreement(
        "moscow-2021",
        title="Statement of 11 January 2021",
        short_title="Moscow statement",
        signed_on=dt.date(2021, 1, 11),
        entry_into_force=dt.datetime(2021, 1, 10, 21, 0, tzinfo=dt.UTC),
    )
    point9 = make_provision(statement, "9")
    add_link(
        moscow,
        statement,
        provisions=[point9],
        by_provisions=[make_provision(moscow, str(number)) for number in (1, 2, 3, 4)],
    )
    return statement, moscow


def test_the_api_gives_each_side_its_own_wording_and_points(client, linked):
    statement, moscow = linked

    [from_moscow] = client.get(f"/api/agreements/{moscow.slug}/").json()["links"]
    [from_statement] = client.get(f"/api/agreements/{statement.slug}/").json()["links"]

    assert from_moscow == {
        "kind": "implements",
        "direction": "outgoing",
        "label": "implements",
        "agreement": statement.slug,
        "provisions": ["1", "2", "3", "4"],
        "other_provisions": ["9"],
        "note": "",
    }
    assert from_statement == {
        "kind": "implements",
        "direction": "incoming",
        "label": "implemented by",
        "agreement": moscow.slug,
        "provisions": ["9"],
        "other_provisions": ["1", "2", "3", "4"],
        "note": "",
    }


def test_each_agreements_page_shows_the_link_from_its_side(client, linked):
    statement, moscow = linked

    moscow_page = client.get(moscow.get_absolute_url()).content.decode()
    statement_page = client.get(statement.get_absolute_url()).content.decode()

    assert "Points 1–4\n      <strong>implements</strong>" in moscow_page
    assert f'<a href="{statement.get_absolute_url()}">{statement}</a>' in moscow_page
    assert "Point 9\n      <strong>implemented by</strong>" in statement_page
    assert (
        f'<p class="note point-link" data-testid="point-link"><strong>Implemented by</strong> '
        f'<a href="{moscow.get_absolute_url()}">{moscow}</a> (Jan. 11, 2021), points 1–4.</p>'
    ) in statement_page
