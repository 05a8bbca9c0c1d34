"""The seed the project ships loads, and holds the reference's dates and numbers."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from commitments.models import Agreement, Claim, Commitment, Evidence


def seed_articles_dir() -> Path:
    """Return the folder of the seed articles named by SEED_ARTICLES_DIR (relative to the
    repository root, or absolute). Unset or empty: skip, with the reason; set but wrong: fail."""
    value = os.environ.get("SEED_ARTICLES_DIR", "").strip()
    if not value:
        pytest.skip(
            "SEED_ARTICLES_DIR is not set: the seed articles are not part of the repository "
            "(.ci/run sets it to ../shared/seed-articles when that folder exists)"
        )
    folder = Path(value)
    if not folder.is_absolute():
        folder = Path(settings.BASE_DIR) / folder
    if not folder.is_dir() or not any(folder.glob("*.txt")):
        pytest.fail(f"SEED_ARTICLES_DIR={value!r} is set but {folder} holds no seed articles (*.txt)")
    return folder


@pytest.fixture
def karabakh(karabakh_seed_loaded, db) -> Agreement:
    """The seed, loaded once for the module (its load report is what karabakh_seed_loaded yields)."""
    report = karabakh_seed_loaded
    assert report.changed
    return Agreement.objects.get(slug="karabakh-2020")


def commitment(code: str) -> Commitment:
    return Commitment.objects.select_related("provision__agreement").get(code=code)


def test_it_enters_into_force_at_midnight_moscow_time(karabakh):
    assert karabakh.signed_on == dt.date(2020, 11, 9)
    assert karabakh.entry_into_force == dt.datetime(2020, 11, 9, 21, 0, tzinfo=dt.UTC)
    assert [str(p) for p in karabakh.signatories.order_by("slug")] == [
        "President of the Republic of Azerbaijan",
        "President of the Russian Federation",
        "Prime Minister of the Republic of Armenia",
    ]
    assert karabakh.quoted_text().label == "Kremlin website"
    assert list(karabakh.provisions.values_list("number", flat=True)) == [str(n) for n in range(1, 10)]


def test_it_holds_every_handover_date_of_the_reference(karabakh):
    assert commitment("aghdam-handover").deadline_in_force == dt.date(2020, 11, 20)
    assert commitment("lachin-handover").deadline_in_force == dt.date(2020, 12, 1)
    kalbajar = commitment("kalbajar-handover")
    assert kalbajar.original_deadline() == dt.date(2020, 11, 15)
    assert kalbajar.deadline_in_force == dt.date(2020, 11, 25)
    change = kalbajar.deadline_changes.get()
    assert (change.previous_deadline, change.requested_by.slug) == (dt.date(2020, 11, 15), "armenia")
    assert [p.slug for p in change.agreed_by.all()] == ["azerbaijan"]


def test_it_holds_the_period_and_the_renewable_mandate(karabakh):
    assert commitment("lachin-route-plan").deadline_in_force == dt.date(2023, 11, 10)
    mandate = commitment("peacekeeping-mandate")
    assert mandate.term_expiry(dt.date(2021, 1, 1)) == dt.date(2025, 11, 10)
    assert mandate.notice_deadline(dt.date(2021, 1, 1)) == dt.date(2025, 5, 10)
    # It ended on 12 Jun 2024 (the Azerbaijani defence ministry's statement): no term after that.
    assert mandate.ended_on() == dt.date(2024, 6, 12)
    assert mandate.term_expiry(dt.date(2026, 1, 1)) is None
    assert mandate.status_updates.get(as_of=dt.date(2024, 6, 12)).evidence.filter(
        source__publisher="Ministry of Defence of Azerbaijan"
    )


def test_it_holds_the_peacekeepers_numbers_exactly(karabakh):
    text = commitment("peacekeeper-deployment").description
    for figure in ("1,960 servicemen", "90 armoured personnel carriers", "380 units of motor vehicles"):
        assert figure in text


def test_ongoing_and_open_ended_commitments_have_no_dated_deadline(karabakh):
    assert {c.code for c in Commitment.objects.filter(deadline_kind="ongoing")} == {
        "ceasefire",
        "positions-held",
        "lachin-safe-passage",
    }
    assert Commitment.objects.get(code="prisoner-exchange").deadline_kind == "none"
    # The reference's 16, and the FSB Border Guard Service's control of the transport in point 9
    # as a commitment of its own.
    assert Commitment.objects.count() == 17


def test_it_keeps_both_sides_of_the_7_december_prisoner_exchange_contradiction(karabakh):
    claims = Claim.objects.filter(commitment__code="prisoner-exchange", stated_on=dt.date(2020, 12, 7))
    assert {(c.party.slug, c.position) for c in claims} == {("russia", "under_way"), ("armenia", "not_started")}
    assert set(Commitment.objects.disputed().values_list("code", flat=True)) == {
        "prisoner-exchange",
        "monitoring-centre",
        "peacekeeping-mandate",  # Lavrov, Sep 2023: it no longer concerns Armenia (corrected coding)
    }


def test_its_verbatim_quotes_appear_word_for_word_in_the_seed_articles(karabakh):
    articles_dir = seed_articles_dir()

    def normalise(text: str) -> str:
        return re.sub(r"\s+", " ", text.replace("’", "'")).strip()

    articles = " ".join(normalise(path.read_text(encoding="utf-8")) for path in articles_dir.glob("*.txt"))
    quotes = [e.quote for e in Evidence.objects.filter(is_verbatim=True)] + [c.quote for c in Claim.objects.all()]
    assert len(quotes) > 10
    missing = [quote for quote in quotes if normalise(quote) not in articles]
    assert missing == []
