"""Loading the updated seed over a database that holds the seed as it was before issue 11 updates it
without rewriting history: every entry recorded stays as it was, with its id; what the old entries
left unstated (whose words a quote is, date precision, publishers' affiliations, supervising bodies)
is filled in; mistakes are corrected by new entries that say why; a second load changes nothing."""

from pathlib import Path

import pytest
from django.conf import settings

from commitments.models import Claim, Commitment, Evidence, Source, Speaker, StatusUpdate
from commitments.seeding import SeedError, load_agreement_file

OLD = Path(__file__).parent / "fixtures" / "karabakh-2020-before-issue-11.yaml"
NEW = Path(settings.BASE_DIR) / "seeds" / "karabakh-2020.yaml"

pytestmark = pytest.mark.django_db


def recorded() -> dict:
    """Return what history holds: each entry's id with the facts it records."""
    return {
        "updates": {
            u.pk: (u.commitment_id, u.status, u.as_of, u.summary, u.recorded_at) for u in StatusUpdate.objects.all()
        },
        "evidence": {e.pk: (e.status_update_id, e.source_id, e.quote, e.is_verbatim) for e in Evidence.objects.all()},
        "claims": {
            c.pk: (c.commitment_id, c.party_id, str(c.speaker), c.stated_on, c.position, c.quote, c.source_id)
            for c in Claim.objects.all()
        },
    }


def test_the_new_seed_over_the_old_one_adds_and_fills_in_but_rewrites_nothing():
    load_agreement_file(OLD)
    before = recorded()
    assert not Claim.objects.exclude(speech_kind="").exists()  # the old seed said nothing of whose words

    report = load_agreement_file(NEW)
    after = recorded()

    for kind, entries in before.items():
        assert {pk: after[kind][pk] for pk in entries} == entries, kind  # kept, unchanged, same ids
    assert len(after["updates"]) == len(before["updates"]) + 1  # the prisoner exchange's correction
    assert len(after["claims"]) == len(before["claims"]) + 3  # Lavrov's recoded claim, Türkiye's two ministers
    assert report.updated["evidence (filled in)"] == Evidence.objects.filter(pk__in=before["evidence"]).count()
    # Filled in on the old entries: who speaks, and how.
    ayvazian = Claim.objects.get(speaker__name="Ara Ayvazian")
    assert ayvazian.speech_kind == "reported" and ayvazian.pk in before["claims"]
    lavrov_kept = Claim.objects.get(commitment__code="peacekeeping-mandate", position="kept")
    assert lavrov_kept.pk in before["claims"] and lavrov_kept.corrected_by.position == "reinterprets"
    assert lavrov_kept.stated_on_precision == "month"  # the old load already dated it from its source
    # Reference data follows the file.
    assert [p.slug for p in Commitment.objects.get(code="refugee-return").supervising_bodies.all()] == ["unhcr"]
    assert Source.objects.filter(publisher="TASS", affiliated_party__slug="russia").count() == 4
    assert Speaker.objects.filter(name="Sergei Lavrov").count() == 1  # the old text became the same speaker

    assert not load_agreement_file(NEW).changed


def test_a_file_that_contradicts_a_stated_attribution_is_refused(tmp_path):
    load_agreement_file(NEW)
    text = NEW.read_text(encoding="utf-8").replace(
        "                speech: direct\n                speaker: lavrov\n                quote: We are satisfied",
        "                speech: source\n                quote: We are satisfied",
        1,
    )
    path = tmp_path / "rewritten.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(SeedError, match="history is not rewritten"):
        load_agreement_file(path)

    assert Evidence.objects.get(quote__startswith="We are satisfied").speech_kind == "direct"
