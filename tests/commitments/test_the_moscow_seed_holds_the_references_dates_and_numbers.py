"""The Moscow statement of 11 Jan 2021, as shipped, holds the reference's dates and numbers
(shared/reference/moscow-2021-statement.md): the link to point 9 of the 2020 statement, the first
meeting by 30 January in one version and before it in another, the deadline one month after the
meeting (28 Feb 2021), 1 Mar 2021 for the timetable, and Putin's claims of that day beside the
tracker's own assessments."""

import datetime as dt

import pytest

from commitments.models import Agreement, AgreementLink, Claim, Commitment, Source

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


@pytest.fixture
def seeds(all_seeds_loaded, db):
    return Agreement.objects.get(slug="moscow-2021")


def commitment(code: str) -> Commitment:
    return Commitment.objects.get(provision__agreement__slug="moscow-2021", code=code)


def test_it_implements_point_9_of_the_2020_statement_by_its_points_1_to_4(seeds):
    link = AgreementLink.objects.get(from_agreement=seeds)

    assert (link.kind, link.to_agreement.slug) == ("implements", "karabakh-2020")
    assert [p.number for p in link.provisions.all()] == ["9"]
    assert sorted(p.number for p in link.by_provisions.all()) == ["1", "2", "3", "4"]
    karabakh = Agreement.objects.get(slug="karabakh-2020")
    [seen_from_2020] = karabakh.links()
    assert (seen_from_2020.label, seen_from_2020.own_points, seen_from_2020.other_points) == (
        "implemented by",
        "point 9",
        "points 1–4",
    )


def test_it_is_in_force_on_signature_in_moscow_time_without_an_hour(seeds):
    assert seeds.signed_on == dt.date(2021, 1, 11)
    assert seeds.time_zone == "Europe/Moscow"
    assert seeds.entry_into_force_date() == dt.date(2021, 1, 11)
    assert seeds.entry_into_force_time_known is False
    assert {text.label for text in seeds.texts.all()} == {
        "Aravot, English",
        "Azerbaijani presidency, English",
        "Panorama.am",
    }


def test_the_first_meeting_is_on_time_under_the_quoted_text_and_a_day_late_under_the_other(seeds):
    meeting = commitment("first-meeting")
    outcomes = {o.text.label: (o.wording, o.deadline, o.verdict()) for o in meeting.version_outcomes(NOW)}

    assert meeting.deadline_in_force == dt.date(2021, 1, 30)
    assert meeting.fulfilled_on() == dt.date(2021, 1, 30)
    assert outcomes == {
        "Aravot, English": ("by January 30, 2021", dt.date(2021, 1, 30), "on time"),
        "Azerbaijani presidency, English": ("before 30 January 2021", dt.date(2021, 1, 29), "1 day late"),
    }
    assert meeting.version_outcome_differs(NOW)
    assert not meeting.is_fulfilled_late()


def test_the_subgroups_deadline_is_one_month_after_the_first_meeting(seeds):
    subgroups = commitment("subgroup-projects")

    assert subgroups.deadline_kind == "after_event"
    assert subgroups.deadline_event.occurred_on == dt.date(2021, 1, 30)
    assert subgroups.deadline_in_force == dt.date(2021, 2, 28)
    assert subgroups.deadline_ends_at == dt.datetime(2021, 2, 28, 21, 0, tzinfo=dt.UTC)  # midnight, Moscow
    assert subgroups.is_fulfilled_on_time()


def test_the_timetable_is_due_on_1_march_2021_and_its_approval_is_not_verified(seeds):
    timetable = commitment("highest-level-timetable")

    assert timetable.deadline_in_force == dt.date(2021, 3, 1)
    assert timetable.current_status == "intermediate"
    assert timetable.is_overdue(NOW)
    assert "not verified" in timetable.status_updates.get(as_of=dt.date(2021, 2, 28)).summary
    assert list(timetable.status_updates.order_by("as_of").values_list("as_of", flat=True)) == [
        dt.date(2021, 2, 28),
        dt.date(2021, 5, 19),
        dt.date(2021, 6, 1),
        dt.date(2021, 12, 1),
        dt.date(2023, 11, 9),
    ]


def test_the_meeting_report_known_to_the_month_dates_what_rests_on_it_to_the_month(seeds):
    massis = Source.objects.get(publisher="Massis Post", published_on_precision="month")

    assert massis.published_on == dt.date(2021, 1, 1) and massis.url == ""
    assert commitment("first-meeting").status_updates.get().as_of_precision == "month"


def test_putins_claims_of_that_day_sit_beside_the_2020_statements_assessments(seeds):
    claims = Claim.objects.filter(speaker__name="Vladimir Putin", stated_on=dt.date(2021, 1, 11))
    refugees = claims.get(commitment__code="refugee-return")
    peacekeepers = claims.get(commitment__code="peacekeeper-deployment")

    assert refugees.quote == "over 48 thousand displaced persons and refugees have already returned to Nagorno-Karabakh"
    assert refugees.commitment.agreement.slug == "karabakh-2020"
    assert peacekeepers.quote == "fully fulfills its obligations to both sides"
    # The tracker's own assessment of the returns stands; the claim contests it, beside it.
    assert refugees.commitment.current_status == "ended"
    assert refugees in refugees.commitment.contesting_claims()


def test_every_source_is_known_by_outlet_and_date_with_a_bracketed_title(seeds):
    sources = Source.objects.filter(claims__commitment__provision__agreement=seeds) | Source.objects.filter(
        evidence__status_update__commitment__provision__agreement=seeds
    )
    for source in sources.distinct():
        assert source.url == "" and source.title.startswith("[") and source.title.endswith("]")
