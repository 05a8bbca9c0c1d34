"""The three shipped agreements, exported in the seed format and loaded into an emptied database
(in the order their links need), export again byte for byte: links, events, deadlines after an
event, deadlines per version, periods in days, reported claims and who announced a change survive."""

import pytest

from commitments.models import Agreement, Party, SearchEntry, Source, Speaker
from commitments.seeding import dump_seed, export_agreement, load_agreement_file, load_order
from tests.factories import load_all_seeds

pytestmark = pytest.mark.django_db


def test_export_load_export_gives_the_same_bytes_for_every_seed(tmp_path):
    load_all_seeds()
    first = {agreement.slug: dump_seed(export_agreement(agreement)) for agreement in Agreement.objects.all()}
    paths = []
    for slug, text in first.items():
        path = tmp_path / f"{slug}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    entries = SearchEntry.objects.count()

    Agreement.objects.all().delete()
    Source.objects.all().delete()
    Speaker.objects.all().delete()
    Party.objects.all().delete()
    for path in load_order(sorted(paths, reverse=True)):
        load_agreement_file(path)

    assert {agreement.slug: dump_seed(export_agreement(agreement)) for agreement in Agreement.objects.all()} == first
    assert "implements" in first["moscow-2021"] and "after_event" in first["moscow-2021"]
    assert "announced_by: united-states" in first["israel-lebanon-2024"] and "days: 60" in first["israel-lebanon-2024"]
    assert "entry_into_force: '2021-01-11'" in first["moscow-2021"]
    assert SearchEntry.objects.count() == entries
