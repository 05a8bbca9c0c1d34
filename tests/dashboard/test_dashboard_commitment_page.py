import datetime as dt

import pytest
from django.urls import reverse

from commitments.models import Claim, Commitment, Evidence, Status, StatusUpdate, local_date
from tests.factories import add_claim, add_status, make_commitment, make_provision, read_afresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(karabakh_like_loaded, db):
    """The data of karabakh_like(), built once for the module and read afresh for each test."""
    return read_afresh(karabakh_like_loaded)


def page(client, commitment):
    response = client.get(reverse("dashboard:commitment_detail", args=[commitment.pk]))
    assert response.status_code == 200
    return response


def test_it_shows_the_deadline_history_from_the_original_through_each_change_to_the_one_in_force(client, data):
    context = page(client, data.kalbajar).context

    assert context["original_deadline"] == dt.date(2020, 11, 15)
    [change] = context["deadline_changes"]
    assert (change.previous_deadline, change.new_deadline, change.requested_by) == (
        dt.date(2020, 11, 15),
        dt.date(2020, 11, 25),
        data.armenia,
    )
    assert list(change.agreed_by.all()) == [data.azerbaijan]
    assert context["commitment"].deadline_in_force == dt.date(2020, 11, 25)
    assert "Armenia asked for more time to evacuate civilians." in page(client, data.kalbajar).content.decode()


def test_it_shows_the_status_history_in_date_order_with_evidence_and_marks_the_current_one(client, data):
    later = add_status(data.prisoners, Status.FULFILLED, dt.date(2020, 12, 14), data.tass, "44 returned to Armenia.")

    context = page(client, data.prisoners).context

    updates = context["status_updates"]
    assert [u.status for u in updates] == [Status.MINIMAL, Status.FULFILLED]
    assert context["current_update_id"] == later.pk
    assert [e.source for e in updates[1].evidence.all()] == [data.tass]


def test_a_corrected_assessment_stays_on_record_and_is_marked(client, data):
    wrong = StatusUpdate.objects.get(commitment=data.aghdam)
    fix = add_status(
        data.aghdam, Status.FULFILLED, dt.date(2020, 11, 20), data.al_jazeera, summary="Fixed.", corrects=wrong
    )

    context = page(client, data.aghdam).context

    assert context["corrected_ids"] == {wrong.pk}
    assert context["current_update_id"] == fix.pk


def test_it_puts_conflicting_claims_side_by_side_and_the_rest_apart(client, data):
    later = add_claim(
        data.prisoners,
        data.russia,
        "Spokesperson",
        dt.date(2021, 6, 1),
        Claim.Position.UNDER_WAY,
        data.tass,
        "Work continues.",
    )

    context = page(client, data.prisoners).context

    assert context["conflicting_claims"] == [data.lavrov, data.ayvazian]
    assert context["other_claims"] == [later]


def test_the_7_dec_2020_contradiction_shows_both_quotes_with_their_source(client, data):
    html = page(client, data.prisoners).content.decode()

    assert "There is progress in the exchange of prisoners of war and bodies of the dead" in html
    assert "The exchange of prisoners has not yet begun" in html
    assert html.count(reverse("dashboard:source_detail", args=[data.azatutyun.pk])) >= 3


def test_it_states_overdue_days_and_the_renewal_notice_deadline(client, data):
    mandate = make_commitment(
        make_provision(data.agreement, "4"),
        parties=[data.russia],
        title="Peacekeepers' mandate",
        deadline_kind=Commitment.DeadlineKind.RENEWABLE,
        term_months=60,
        notice_months=6,
    )

    overdue = page(client, data.route).context
    assert overdue["is_overdue"] and overdue["days_overdue"] == data.route.days_overdue(overdue["now"])

    renewable = page(client, mandate).context
    today = local_date(renewable["now"], data.agreement.tz)
    assert renewable["term_expiry"] == mandate.term_expiry(today)
    assert renewable["notice_deadline"] == mandate.notice_deadline(today)


def test_every_user_supplied_text_is_escaped(client, data):
    add_claim(
        data.prisoners,
        data.armenia,
        "<b>Speaker</b>",
        dt.date(2020, 12, 8),
        Claim.Position.BROKEN,
        data.tass,
        '<script>alert("x")</script>',
    )

    html = page(client, data.prisoners).content.decode()

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Speaker&lt;/b&gt;" in html


def test_an_unknown_commitment_is_not_found(client, data):
    assert client.get(reverse("dashboard:commitment_detail", args=[99999])).status_code == 404


@pytest.mark.skipif(
    "is_verbatim" not in {f.name for f in Evidence._meta.get_fields()},
    reason="Evidence.is_verbatim arrives from main (the lead's change)",
)
def test_evidence_that_summarises_a_report_is_shown_as_reported_not_as_a_quote(client, data):
    evidence = Evidence.objects.get(status_update__commitment=data.kalbajar)
    evidence.is_verbatim = False
    evidence.save()

    html = page(client, data.kalbajar).content.decode()

    assert "Reported:</span> Kalbajar was handed over on 25 November." in html
    assert "“Kalbajar was handed over on 25 November.”" not in html
    assert "“Azerbaijani troops entered Aghdam.”" in page(client, data.aghdam).content.decode()


def test_an_extended_deadline_met_in_time_says_so(client, data):
    html = page(client, data.kalbajar).content.decode()

    # Due 15 Nov, extended to 25 Nov, handed over on 25 Nov.
    assert "Met the extended deadline (10 days after the original)" in html
