"""load_agreement: idempotent, precise about errors, and all or nothing."""

import textwrap

import pytest
from django.core.management import CommandError, call_command

from commitments.models import Agreement, Claim, Commitment, Party, Source, StatusUpdate
from commitments.seeding import SeedError, load_agreement_file

MINIMAL = """
format: 1
parties:
  - {slug: armenia, name: Republic of Armenia, short_name: Armenia, kind: state}
  - {slug: azerbaijan, name: Republic of Azerbaijan, kind: state}
sources:
  - {key: report, publisher: Azatutyun, title: A report, published_on: 2020-12-07, language: en, kind: news_report}
agreement:
  slug: test-statement
  title: Test statement
  signatories: [armenia, azerbaijan]
  signed_on: 2020-11-09
  time_zone: Europe/Moscow
  entry_into_force: 2020-11-10T00:00:00
provisions:
  - number: "2"
    text: Aghdam by 20 November.
    commitments:
      - code: aghdam
        title: Return of the Aghdam district
        description: Armenia returns Aghdam.
        responsible: [armenia]
        category: territorial_handover
        deadline: {kind: date, date: 2020-11-20}
        status_updates:
          - status: fulfilled
            as_of: 2020-11-20
            summary: Handed over.
            evidence:
              - {source: report, quote: Handed over on the day.}
        claims:
          - {party: armenia, speaker: A minister, stated_on: 2020-11-20, position: kept, summary: Kept., source: report, quote: We kept it.}
"""


@pytest.fixture
def seed_file(tmp_path):
    def write(text: str = MINIMAL, name: str = "seed.yaml"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


def table_counts():
    return [model.objects.count() for model in (Party, Source, Agreement, Commitment, StatusUpdate, Claim)]


def test_it_loads_an_agreement_with_its_history(db, seed_file):
    load_agreement_file(seed_file())

    aghdam = Commitment.objects.get(code="aghdam")
    assert aghdam.current_status == "fulfilled"
    assert aghdam.status_updates.get().evidence.get().quote == "Handed over on the day."
    assert aghdam.agreement.entry_into_force.isoformat() == "2020-11-09T21:00:00+00:00"


def test_loading_the_same_file_twice_changes_nothing(db, seed_file):
    path = seed_file()
    load_agreement_file(path)
    before = table_counts()

    report = load_agreement_file(path)

    assert not report.changed
    assert table_counts() == before


def test_the_command_says_when_nothing_changed(db, seed_file, capsys):
    path = seed_file()
    call_command("load_agreement", str(path))
    call_command("load_agreement", str(path))

    assert "already loaded, nothing changed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("broken", "replacement", "expected"),
    [
        (
            "date: 2020-11-20}",
            "date: 2020-13-45}",
            "provisions[0] (point 2).commitments[0] (aghdam).deadline.date: '2020-13-45' is not a valid date",
        ),
        (
            "responsible: [armenia]",
            "responsible: [armenai]",
            "provisions[0] (point 2).commitments[0] (aghdam).responsible[0]: unknown party 'armenai'",
        ),
        (
            "{source: report, quote: Handed over on the day.}",
            "{source: report, quote: ''}",
            "status_updates[0].evidence[0]: quote",
        ),
        (
            "time_zone: Europe/Moscow",
            "time_zone: Moscow/Kremlin",
            "agreement.time_zone: 'Moscow/Kremlin' is not a known IANA time zone",
        ),
        (
            "category: territorial_handover",
            "category: handover",
            "(aghdam): category: Value 'handover' is not a valid choice",
        ),
        (
            "deadline: {kind: date, date: 2020-11-20}",
            "deadline: {kind: date, date: 2020-11-01}",
            "before the agreement was signed",
        ),
        ("as_of: 2020-11-20", "as_of: 2999-01-01", "as_of: An assessment cannot be dated in the future"),
        ("title: Test statement", "titel: Test statement", "agreement: unknown field(s) titel"),
    ],
)
def test_a_malformed_file_names_the_file_the_entry_and_the_problem_and_loads_nothing(
    db, seed_file, broken, replacement, expected
):
    assert broken in MINIMAL
    path = seed_file(MINIMAL.replace(broken, replacement))

    with pytest.raises(SeedError) as error:
        load_agreement_file(path)

    assert str(error.value).startswith(str(path))
    assert expected in str(error.value)
    assert table_counts() == [0, 0, 0, 0, 0, 0]


def test_a_status_update_without_evidence_is_refused(db, seed_file):
    path = seed_file(
        MINIMAL.replace(
            "            evidence:\n              - {source: report, quote: Handed over on the day.}\n",
            "            evidence: []\n",
        )
    )

    with pytest.raises(
        SeedError, match=r"status_updates\[0\]\.evidence: a status update needs at least one piece of evidence"
    ):
        load_agreement_file(path)


def test_invalid_yaml_is_reported_with_its_line(db, seed_file):
    path = seed_file("format: 1\nagreement: [unclosed\n")

    with pytest.raises(SeedError, match=r"line \d+, column \d+: not valid YAML"):
        load_agreement_file(path)


def test_a_file_that_would_rewrite_recorded_history_is_refused_and_changes_nothing(db, seed_file):
    load_agreement_file(seed_file())
    before = table_counts()

    rewritten = seed_file(MINIMAL.replace("summary: Handed over.", "summary: Handed over late."), name="rewritten.yaml")
    with pytest.raises(SeedError, match="history is not rewritten"):
        load_agreement_file(rewritten)

    assert table_counts() == before
    assert StatusUpdate.objects.get().summary == "Handed over."


def test_an_error_late_in_the_file_leaves_the_database_as_it_was(db, seed_file):
    load_agreement_file(seed_file())
    before = table_counts()
    extended = MINIMAL.replace(
        '  - number: "2"', '  - number: "1"\n    text: New point.\n    commitments: []\n  - number: "2"'
    )
    extended = extended.replace("position: kept", "position: maybe")

    with pytest.raises(SeedError, match="claims\\[0\\]: position"):
        load_agreement_file(seed_file(extended, name="extended.yaml"))

    assert table_counts() == before
    assert not Agreement.objects.get().provisions.filter(number="1").exists()


def test_the_command_fails_with_the_error_and_says_nothing_was_loaded(db, seed_file):
    path = seed_file(MINIMAL.replace("format: 1", "format: 7"))

    with pytest.raises(CommandError, match=r"format: unsupported format 7[\s\S]*Nothing was loaded"):
        call_command("load_agreement", str(path))


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(SeedError, match="cannot read the file"):
        load_agreement_file(tmp_path / "nope.yaml")
