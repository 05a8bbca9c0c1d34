"""The seed's entries are sourced facts: loaded, every assessment, claim and deadline change is
published (as loaded from a seed), so the public sees the seed without a review."""

from pathlib import Path

from django.conf import settings

from commitments.models import Claim, DeadlineChange, PublishedVia, ReviewState, StatusUpdate
from commitments.seeding import load_agreement_file

SEED = Path(settings.BASE_DIR) / "seeds" / "karabakh-2020.yaml"


def test_every_entry_of_the_seed_is_published_as_a_seeds(db):
    load_agreement_file(SEED)

    for model in (StatusUpdate, Claim, DeadlineChange):
        entries = model.objects.all()
        assert entries.exists(), model
        assert set(entries.values_list("review_state", "published_via")) == {
            (ReviewState.PUBLISHED, PublishedVia.SEED)
        }, model
        assert entries.published().count() == entries.count(), model
