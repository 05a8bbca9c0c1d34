import pytest
from django.urls import reverse

from tests.factories import karabakh_like

pytestmark = pytest.mark.django_db


def test_it_lists_the_points_in_order_with_their_commitments(client):
    data = karabakh_like()

    response = client.get(reverse("dashboard:agreement_detail", args=[data.agreement.slug]))

    assert response.status_code == 200
    points = [(p.number, [c for c, _overdue, _known in rows]) for p, rows, _links in response.context["provisions"]]
    assert points == [("2", [data.aghdam]), ("6", [data.kalbajar, data.route]), ("8", [data.prisoners])]


def test_it_shows_entry_into_force_in_the_agreements_time_zone_and_in_utc(client):
    data = karabakh_like()

    html = client.get(data.agreement.get_absolute_url()).content.decode()

    assert "Nov. 10, 2020, midnight (Europe/Moscow)" in html
    assert "Nov. 9, 2020, 9 p.m. UTC" in html


def test_it_names_the_signatories_the_published_versions_and_which_one_is_quoted(client):
    data = karabakh_like()

    response = client.get(data.agreement.get_absolute_url())

    html = response.content.decode()
    assert response.context["quoted_text"].label == "Kremlin website, English"
    for name in ("Republic of Azerbaijan", "Republic of Armenia", "Russian Federation"):
        assert name in html
    assert 'href="http://en.kremlin.ru/events/president/news/64384"' in html
    assert "Some add the territories held in the Gazakh district to point 2." in html
    assert "Some versions add the Gazakh district." in html  # the provision's variant


def test_an_unknown_agreement_is_not_found(client):
    assert client.get("/agreements/no-such-thing/").status_code == 404
