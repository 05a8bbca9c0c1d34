"""The seed format carries a source's archived copy (`archive_url`) where one is known: it loads,
is validated, survives an export and a load into an empty database, and a file that does not
name one leaves the archived copy a monitor recorded alone."""

import textwrap

import pytest
from django.core.management import call_command

from commitments.models import Agreement, Party, Source
from commitments.seeding import SeedError, dump_seed, export_agreement, load_agreement_file

ARCHIVE = "https://web.archive.org/web/20201207/https://www.azatutyun.am/a/30988000.html"

SEED = """
format: 1
parties:
  - {slug: armenia, name: Republic of Armenia, kind: state}
sources:
  - key: report
    publisher: Azatutyun
    title: A report
    published_on: 2020-12-07
    language: en
    kind: news_report
    url: https://www.azatutyun.am/a/30988000.html
    ARCHIVE_LINE
agreement:
  slug: test-statement
  title: Test statement
  signatories: [armenia]
  signed_on: 2020-11-09
  time_zone: Europe/Moscow
  entry_into_force: 2020-11-10T00:00:00
provisions:
  - number: "8"
    text: An exchange of prisoners.
    commitments:
      - code: prisoners
        title: Exchange of prisoners
        description: The parties exchange prisoners.
        responsible: [armenia]
        category: prisoners_remains
        deadline: {kind: none}
        status_updates:
          - status: minimal
            as_of: 2020-12-07
            summary: Not yet begun.
            evidence:
              - {source: report, quote: The exchange has not yet begun.}
"""


@pytest.fixture
def seed_file(tmp_path):
    def write(archive_line: str = "", name: str = "seed.yaml"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(SEED).replace("ARCHIVE_LINE", archive_line), encoding="utf-8")
        return path

    return write


def test_a_seed_source_may_name_its_archived_copy(db, seed_file):
    load_agreement_file(seed_file(f"archive_url: {ARCHIVE}"))

    assert Source.objects.get().archive_url == ARCHIVE


def test_an_archived_copy_that_is_not_a_web_address_is_refused(db, seed_file):
    with pytest.raises(SeedError, match="archive_url: Enter a web address"):
        load_agreement_file(seed_file("archive_url: javascript:alert(1)"))

    assert not Source.objects.exists()


def test_a_file_without_an_archived_copy_leaves_the_recorded_one_alone(db, seed_file):
    load_agreement_file(seed_file())
    Source.objects.update(archive_url=ARCHIVE)  # added by a monitor in the admin

    report = load_agreement_file(seed_file())

    assert Source.objects.get().archive_url == ARCHIVE
    assert not report.changed


def test_loading_a_file_with_an_archived_copy_twice_changes_nothing(db, seed_file):
    path = seed_file(f"archive_url: {ARCHIVE}")
    load_agreement_file(path)

    assert not load_agreement_file(path).changed


def test_the_archived_copy_survives_an_export_and_a_load_into_an_empty_database(db, seed_file, tmp_path):
    load_agreement_file(seed_file(f"archive_url: {ARCHIVE}"))
    exported = tmp_path / "export.yaml"
    exported.write_text(dump_seed(export_agreement(Agreement.objects.get())), encoding="utf-8")

    Agreement.objects.all().delete()
    Source.objects.all().delete()
    Party.objects.all().delete()
    call_command("load_agreement", str(exported))

    assert Source.objects.get().archive_url == ARCHIVE


def test_the_export_names_no_archived_copy_where_there_is_none(db, seed_file):
    load_agreement_file(seed_file())

    (source,) = export_agreement(Agreement.objects.get())["sources"]

    assert "archive_url" not in source
