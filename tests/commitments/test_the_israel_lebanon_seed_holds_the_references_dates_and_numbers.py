"""The Israel–Lebanon cessation of hostilities, as shipped, holds the reference's dates and numbers
(shared/reference/israel-lebanon-2024.md): in force at 04:00 Beirut time on 27 Nov 2024, the 60-day
withdrawal due 26 Jan 2025, extended to 18 Feb 2025 at Israel's request as the White House announced,
partly done (five points kept), the claims of Israel, Lebanon and the UN side by side, the prisoner
negotiations the extension opened, and the army's numbers as two reports."""

import datetime as dt

import pytest

from commitments.models import Agreement, Claim, Commitment

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


@pytest.fixture
def agreement(all_seeds_loaded, db):
    return Agreement.objects.get(slug="israel-lebanon-2024")


def commitment(code: str) -> Commitment:
    return Commitment.objects.get(provision__agreement__slug="israel-lebanon-2024", code=code)


def test_it_entered_into_force_at_four_in_the_morning_beirut_time(agreement):
    assert agreement.time_zone == "Asia/Beirut"
    assert agreement.entry_into_force == dt.datetime(2024, 11, 27, 2, 0, tzinfo=dt.UTC)
    assert agreement.entry_into_force_local().hour == 4
    assert {party.slug for party in agreement.signatories.all()} == {"israel", "lebanon"}


def test_the_withdrawal_was_due_60_days_after_entry_into_force_and_extended_to_18_february(agreement):
    withdrawal = commitment("israeli-withdrawal")
    change = withdrawal.deadline_changes.get()

    assert withdrawal.period_days == 60
    assert withdrawal.original_deadline() == dt.date(2025, 1, 26)
    assert (change.previous_deadline, change.new_deadline, change.decided_on) == (
        dt.date(2025, 1, 26),
        dt.date(2025, 2, 18),
        dt.date(2025, 1, 26),
    )
    assert change.requested_by.slug == "israel"
    assert change.announced_by.slug == "united-states"
    assert "will continue to be in effect until February 18, 2025" in change.quote
    assert change.source.published_on >= change.decided_on
    assert withdrawal.deadline_in_force == dt.date(2025, 2, 18)
    assert withdrawal.deadline_ends_at == dt.datetime(2025, 2, 18, 22, 0, tzinfo=dt.UTC)  # midnight in Beirut


def test_the_partial_withdrawal_is_intermediate_and_overdue_for_the_five_points(agreement):
    withdrawal = commitment("israeli-withdrawal")
    update = withdrawal.status_updates.get()

    assert (update.status, update.as_of) == ("intermediate", dt.date(2025, 2, 18))
    assert update.evidence.count() == 2
    for place in ["Labbouneh", "Jabal Blat", "al-Dawawir", "Jal al-Deir", "Tal al-Hamamis"]:
        assert place in update.summary
    assert withdrawal.is_overdue(dt.datetime(2025, 2, 19, tzinfo=dt.UTC))
    assert not withdrawal.is_overdue(dt.datetime(2025, 2, 18, 21, 0, tzinfo=dt.UTC))


def test_the_claims_of_israel_lebanon_and_the_un_stand_side_by_side(agreement):
    withdrawal = commitment("israeli-withdrawal")
    claims = withdrawal.claims.all()

    assert {claim.party.slug for claim in claims} == {"israel", "lebanon", "united-nations", "unifil"}
    assert withdrawal.has_conflicting_claims()
    saar = claims.get(speaker__name="Gideon Saar")
    assert "temporarily remaining in five strategic high points" in saar.quote and saar.is_verbatim
    shoshani = claims.get(speaker__name="Nadav Shoshani")
    assert shoshani.stated_on == dt.date(2025, 2, 17)
    assert shoshani.quote == (
        "we will leave small amounts of troops deployed temporarily in five strategic points along the border in Lebanon"
    )
    # What the reference gives in its own words is a report, never a quotation.
    assert not claims.get(party__slug="united-nations").is_verbatim


def test_lebanon_alleges_the_killings_of_the_original_deadline_day(agreement):
    claim = Claim.objects.get(commitment__code="hostilities-halt")

    assert (claim.party.slug, claim.stated_on, claim.position) == ("lebanon", dt.date(2025, 1, 26), "broken")
    assert "22 people" in claim.quote and "124" in claim.quote


def test_the_extension_opened_the_prisoner_negotiations_without_a_deadline(agreement):
    negotiations = commitment("prisoner-negotiations")

    assert negotiations.deadline_kind == "none"
    assert {party.slug for party in negotiations.responsible_parties.all()} == {"lebanon", "israel", "united-states"}
    assert "7 October 2023" in negotiations.description


def test_the_armys_numbers_are_two_reports_not_one_number(agreement):
    texts = {text.label: text.notes for text in agreement.texts.all()}
    point = commitment("laf-deployment").provision

    assert "1,000–2,000 soldiers at once, rising to 6,000 over six months" in texts["RSOE-EDIS summary of AFP"]
    assert '"at least 5,000 troops"' in texts["elnbc"]
    assert "1,000–2,000" in point.text_variants and "at least 5,000 troops" in point.text_variants
    assert "5,000" not in commitment("laf-deployment").description
