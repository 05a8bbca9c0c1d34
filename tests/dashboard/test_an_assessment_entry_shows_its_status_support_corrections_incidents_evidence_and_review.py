"""Each assessment of a commitment's status history (the assessment_entry tag) shows its status and
whether it is the current one, its support, what it corrects or that it is corrected, its summary,
the incidents it rests on, its evidence and how it was reviewed, with every recorded text escaped."""

import datetime as dt

import pytest

from commitments.models import Status, StatusUpdate
from dashboard.templatetags.display import assessment_entry, dated
from tests.factories import add_incident, add_status, make_commitment

pytestmark = pytest.mark.django_db


def entry(update: StatusUpdate, current: StatusUpdate, corrected_ids: set[int]) -> str:
    update = StatusUpdate.objects.select_related("corrects").get(pk=update.pk)
    update.incidents_on_record = list(update.incidents.all())  # as the page prefetches them
    return assessment_entry(update, current.pk, corrected_ids, "Support:")


def test_a_correction_and_the_entry_it_corrects_each_say_so():
    commitment = make_commitment()
    first = add_status(commitment, Status.MINIMAL, dt.date(2020, 11, 20), quote="Troops began to leave.")
    shelling = add_incident(commitments=[commitment])
    second = add_status(
        commitment,
        Status.VIOLATED,
        dt.date(2020, 12, 1),
        quote="Shots <fired> at dawn.",
        summary="Fire & smoke",
        corrects=first,
        correction_reason="It was dated a week early.",
        incidents=[shelling],
    )

    current = entry(second, second, {first.pk})
    assert str(Status.VIOLATED.label) in current
    assert "Current assessment" in current
    assert "Support: one source" in current
    assert f"Corrects the entry of {dated(first.as_of, first.as_of_precision)}. It was dated a week early." in current
    assert "Fire &amp; smoke" in current
    assert "Shots &lt;fired&gt; at dawn." in current
    assert shelling.get_absolute_url() in current
    assert "Reviewed by a second monitor." in current
    assert "A later entry corrects this one" not in current

    corrected = entry(first, second, {first.pk})
    assert "A later entry corrects this one; it stays on record." in corrected
    assert "Troops began to leave." in corrected
    assert "Current assessment" not in corrected
    assert "Rests on the incidents" not in corrected


def test_an_entry_whose_evidence_was_removed_says_it_does_not_count():
    commitment = make_commitment()
    update = add_status(commitment, Status.MINIMAL, dt.date(2020, 11, 20))
    update.evidence.all().delete()

    assert "No evidence is recorded for this entry, so it does not count as an assessment." in entry(
        update, update, set()
    )
