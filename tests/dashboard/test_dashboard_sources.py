import datetime as dt

import pytest
from django.urls import reverse

from commitments.models import Source
from tests.factories import karabakh_like, make_source

pytestmark = pytest.mark.django_db


def test_the_list_counts_what_rests_on_each_source(client):
    data = karabakh_like()

    response = client.get(reverse("dashboard:source_list"))

    assert response.status_code == 200
    counts = {s: (s.evidence_count, s.claim_count, s.deadline_change_count) for s in response.context["source_list"]}
    assert counts[data.azatutyun] == (1, 2, 0)
    assert counts[data.jamnews] == (0, 0, 1)


def test_a_source_page_lists_every_assessment_and_claim_that_cites_it(client):
    data = karabakh_like()

    response = client.get(reverse("dashboard:source_detail", args=[data.azatutyun.pk]))

    assert [e.status_update.commitment for e in response.context["evidence"]] == [data.prisoners]
    assert list(response.context["claims"]) == [data.lavrov, data.ayvazian]


def test_a_source_page_lists_the_deadline_changes_it_reports(client):
    data = karabakh_like()

    response = client.get(reverse("dashboard:source_detail", args=[data.jamnews.pk]))

    assert [c.commitment for c in response.context["deadline_changes"]] == [data.kalbajar]


def test_a_month_only_source_shows_only_its_month(client):
    source = make_source(
        "PanARMENIAN",
        "Lavrov on the peacekeepers",
        dt.date(2023, 9, 1),
        published_on_precision=Source.DatePrecision.MONTH,
    )

    html = client.get(reverse("dashboard:source_detail", args=[source.pk])).content.decode()

    assert "September 2023" in html
    assert "Sept. 1, 2023" not in html


def test_a_source_without_a_web_address_says_so(client):
    source = make_source("AP", "First prisoner exchange", dt.date(2020, 12, 14))

    html = client.get(reverse("dashboard:source_detail", args=[source.pk])).content.decode()

    assert "None recorded: the source is cited by outlet and date." in html
