import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import make_agreement, make_commitment, make_provision, read_afresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(karabakh_like_loaded, db):
    """The data of karabakh_like(), built once for the module and read afresh for each test."""
    return read_afresh(karabakh_like_loaded)


def listed(client, **params) -> list:
    response = client.get(reverse("dashboard:commitment_list"), params)
    assert response.status_code == 200
    return [commitment for commitment, _is_overdue in response.context["rows"]]


def test_without_filters_it_lists_every_commitment_in_agreement_order(client, data):
    assert listed(client) == [data.aghdam, data.kalbajar, data.route, data.prisoners]


def test_it_filters_by_agreement(client, data):
    other = make_agreement(slug="other-deal", title="Another agreement")
    elsewhere = make_commitment(make_provision(other, "1"), parties=[data.russia], title="Elsewhere", deadline=None)

    assert listed(client, agreement="other-deal") == [elsewhere]
    assert elsewhere not in listed(client, agreement=data.agreement.slug)


def test_it_filters_by_responsible_party(client, data):
    assert listed(client, party="azerbaijan") == [data.route, data.prisoners]


def test_it_filters_by_category(client, data):
    assert listed(client, category="territorial_handover") == [data.aghdam, data.kalbajar]


def test_it_filters_by_status(client, data):
    assert listed(client, status="fulfilled") == [data.aghdam, data.kalbajar]
    assert listed(client, status="not_assessed") == [data.route]


def test_it_filters_by_overdue_using_the_clock(client, data):
    assert listed(client, overdue="yes") == [data.route]
    assert listed(client, overdue="no") == [data.aghdam, data.kalbajar, data.prisoners]


def test_it_filters_by_disputed(client, data):
    assert listed(client, disputed="yes") == [data.prisoners]
    assert data.prisoners not in listed(client, disputed="no")


def test_it_filters_by_a_range_of_deadlines_in_force(client, data):
    # Kalbajar's deadline in force is 25 Nov after its extension, not the original 15 Nov.
    assert listed(client, deadline_from="2020-11-21", deadline_to="2020-11-30") == [data.kalbajar]
    assert listed(client, deadline_to="2020-11-16") == []


def test_it_searches_titles_descriptions_and_provision_text(client, data):
    assert listed(client, q="Aghdam") == [data.aghdam]
    # The route plan sits under point 6, whose text names Kalbajar.
    assert listed(client, q="kalbajar") == [data.kalbajar, data.route]
    assert listed(client, q="hostages") == [data.prisoners]  # only in point 8's text
    assert listed(client, q="returned district") == [data.aghdam, data.kalbajar, data.route]


def test_filters_combine(client, data):
    assert listed(client, party="armenia", category="territorial_handover", q="aghdam") == [data.aghdam]


def test_it_sorts_by_deadline_and_by_title(client, data):
    assert listed(client, sort="-deadline")[:3] == [data.route, data.kalbajar, data.aghdam]
    assert listed(client, sort="title") == [data.prisoners, data.route, data.aghdam, data.kalbajar]


def test_it_paginates_and_keeps_the_filters_in_the_page_links(client, data):
    provision = make_provision(data.agreement, "9")
    for n in range(30):
        make_commitment(provision, parties=[data.armenia], title=f"Link {n:02}", deadline=None)

    response = client.get(reverse("dashboard:commitment_list"), {"party": "armenia", "page": 2})

    assert response.context["page_obj"].number == 2
    assert response.context["paginator"].count == 34  # four in the statement, thirty added
    assert len(response.context["rows"]) == 9
    assert response.context["query_without_page"] == "party=armenia"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"status": "nonsense"}, "status"),
        ({"agreement": "no-such-agreement"}, "agreement"),
        ({"party": "<script>"}, "party"),
        ({"overdue": "maybe"}, "overdue"),
        ({"deadline_from": "31.02.2020"}, "deadline_from"),
        ({"deadline_to": "2020-02-31"}, "deadline_to"),
        ({"sort": "password"}, "sort"),
    ],
)
def test_an_invalid_filter_value_gives_a_clear_message_and_no_results(client, data, params, field):
    response = client.get(reverse("dashboard:commitment_list"), params)

    assert response.status_code == 200
    assert field in response.context["filter"].errors
    assert response.context["rows"] == []
    assert "Some filters could not be applied" in response.content.decode()
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize("page", ["999", "abc", "-1"])
def test_a_page_number_out_of_range_shows_a_page_not_an_error(client, data, page):
    response = client.get(reverse("dashboard:commitment_list"), {"page": page})

    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_the_overdue_flag_on_each_row_comes_from_the_model_rule(client, data):
    response = client.get(reverse("dashboard:commitment_list"))

    flags = {commitment: is_overdue for commitment, is_overdue in response.context["rows"]}
    now = response.context["now"]
    assert flags == {c: c.is_overdue(now) for c in flags}
    assert flags[data.route] is True


def test_a_deadline_filter_on_a_date_without_commitments_lists_none(client, data):
    assert listed(client, deadline_from=dt.date(2030, 1, 1).isoformat()) == []


def test_due_soon_lists_what_the_home_page_calls_due_soon(client, data):
    import datetime as dt

    from django.utils import timezone

    from commitments.models import Commitment

    soon = make_commitment(
        make_provision(data.agreement, "10"),
        parties=[data.armenia],
        title="Soon",
        deadline=timezone.localdate() + dt.timedelta(days=10),
    )
    expected = set(Commitment.objects.due_soon(timezone.now()))

    assert soon in expected
    assert set(listed(client, due_soon="yes")) == expected
