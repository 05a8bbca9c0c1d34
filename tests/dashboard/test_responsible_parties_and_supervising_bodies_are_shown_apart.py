"""A commitment has responsible parties and, separately, supervising or monitoring bodies (UNHCR
for the returns); and the home table says a commitment met its extended deadline, derived from the
deadline history, rather than plain "Met on time"."""

import csv
import datetime as dt
import io

import pytest

from commitments.models import Party, Status
from tests.factories import add_deadline_change, add_status, karabakh_like, make_commitment, make_party

pytestmark = pytest.mark.django_db


@pytest.fixture
def returns(azerbaijan, armenia):
    unhcr = make_party(
        "unhcr", "Office of the UN High Commissioner for Refugees", "UNHCR", Party.Kind.INTERNATIONAL_BODY
    )
    commitment = make_commitment(deadline=None, title="Return of refugees", parties=[azerbaijan, armenia])
    commitment.supervising_bodies.set([unhcr])
    return commitment


def test_the_page_the_api_and_the_csv_name_the_supervisor_apart_from_who_must_act(client, returns):
    html = client.get(returns.get_absolute_url()).content.decode()
    api = client.get(f"/api/commitments/{returns.pk}/").json()
    content = client.get("/commitments/export.csv").content.decode("utf-8-sig")
    [row] = [row for row in csv.DictReader(io.StringIO(content)) if row["id"] == str(returns.pk)]

    assert "Supervised or monitored by" in html
    assert (sorted(api["responsible_parties"]), api["supervising_bodies"]) == (["armenia", "azerbaijan"], ["unhcr"])
    assert row["supervising_bodies"] == "Office of the UN High Commissioner for Refugees"
    assert "UNHCR" not in row["responsible_parties"]


def test_the_home_table_says_kalbajar_met_the_extended_deadline(client):
    data = karabakh_like()  # Kalbajar: due 15 Nov, extended to 25 Nov, handed over 25 Nov

    html = client.get("/").content.decode()

    assert "Met the extended deadline (10 days after the original)" in html
    assert data.kalbajar.met_extended_deadline()


def test_a_handover_before_the_original_deadline_is_on_time_even_if_it_was_extended(source):
    data = karabakh_like()
    early = make_commitment(deadline=dt.date(2020, 11, 15), title="Early handover")
    add_deadline_change(early, dt.date(2020, 11, 25), decided_on=dt.date(2020, 11, 14), source=data.jamnews)
    add_status(early, Status.FULFILLED, dt.date(2020, 11, 14), source)

    assert not early.met_extended_deadline()
    assert early.fulfilled_on() == dt.date(2020, 11, 14) and not early.is_fulfilled_late()
