"""`make run` loads seeds/*.yaml: every shipped file loads in the order its links need, and loading
them all again changes nothing."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from commitments.models import AgreementLink, Claim, Commitment, SearchEntry, StatusUpdate
from commitments.seeding import SeedError, load_agreement_file, load_order

pytestmark = pytest.mark.django_db
SEEDS = sorted(str(path) for path in (Path(settings.BASE_DIR) / "seeds").glob("*.yaml"))


def counts() -> list[int]:
    return [model.objects.count() for model in (Commitment, StatusUpdate, Claim, AgreementLink, SearchEntry)]


def test_the_moscow_statement_loads_after_the_statement_it_implements():
    ordered = [Path(path).name for path in load_order(sorted(SEEDS, reverse=True))]

    assert ordered.index("karabakh-2020.yaml") < ordered.index("moscow-2021-statement.yaml")


def test_every_seed_loads_then_loads_again_without_a_change(capsys):
    call_command("load_agreement", *SEEDS)
    before = counts()

    call_command("load_agreement", *SEEDS)

    assert counts() == before
    assert capsys.readouterr().out.count("already loaded, nothing changed.") == len(SEEDS)


def test_a_link_to_an_agreement_not_loaded_says_which_to_load_first():
    with pytest.raises(SeedError) as error:
        load_agreement_file(Path(settings.BASE_DIR) / "seeds" / "moscow-2021-statement.yaml")

    assert "agreement 'karabakh-2020' is not loaded: load its seed file first" in str(error.value)
    assert Commitment.objects.count() == 0  # all or nothing
