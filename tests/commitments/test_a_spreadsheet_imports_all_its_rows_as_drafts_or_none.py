"""Bulk entry from a spreadsheet (django-import-export): a template to download (CSV, XLSX); a dry run
that refuses each bad row with its reason (unknown commitment, missing source or quote, a date out of
range, an agreement outside the monitor's scope); a file with any refused row imports nothing; good rows
— assessments or claims, from CSV or XLSX — become drafts of the importing monitor, public nowhere."""

import datetime as dt
import io
from types import SimpleNamespace

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import Group
from django.urls import reverse

from commitments.models import Claim, ReviewState, StatusUpdate
from commitments.spreadsheets import AssessmentResource, ClaimResource
from tests.factories import (
    karabakh_like,
    loaded_once_per_module,
    make_agreement,
    make_commitment,
    make_monitor,
    make_provision,
    read_afresh,
)

pytestmark = pytest.mark.django_db

HEADERS = ["agreement", "commitment", "status", "as_of", "summary", "quote", "whose_words", "source_url"]


def build_desk() -> SimpleNamespace:
    data = karabakh_like()
    data.monitor = make_monitor("author", agreement=data.agreement)
    data.monitor.groups.add(Group.objects.get(name="Monitors"))
    data.other = make_agreement(slug="other", title="Another agreement", short_title="Another")
    make_commitment(make_provision(data.other, "1", "Another point."), title="Another handover", code="other-handover")
    return data


@pytest.fixture(scope="module")
def desk_in_the_database(django_db_setup, django_db_blocker):
    """The desk, built once for the module's tests (each test's writes are rolled back)."""
    yield from loaded_once_per_module(django_db_blocker, build_desk)


@pytest.fixture
def desk(desk_in_the_database, db, client) -> SimpleNamespace:
    data = read_afresh(desk_in_the_database)
    client.force_login(data.monitor)
    return data


def dataset(rows: list[list[str]], headers=HEADERS) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=headers)


def good_row(data, **changes) -> list[str]:
    row = {
        "agreement": data.agreement.slug,
        "commitment": "kalbajar-handover",
        "status": "fulfilled",
        "as_of": "2020-12-07",
        "summary": "Handed over.",
        "quote": "Kalbajar was handed over.",
        "whose_words": "source",
        "source_url": data.azatutyun.url,
        **changes,
    }
    return [row[name] for name in HEADERS]


def import_rows(data, rows, dry_run: bool):
    return AssessmentResource(user=data.monitor).import_data(
        dataset(rows), dry_run=dry_run, rollback_on_validation_errors=True, user=data.monitor
    )


def test_the_templates_hold_the_columns(client, desk):
    csv = client.get(reverse("admin:commitments_statusupdate_import_template", args=["csv"]))
    assert csv.content.decode("utf-8-sig").splitlines()[0].startswith("agreement,commitment,status,as_of")
    xlsx = client.get(reverse("admin:commitments_claim_import_template", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[1]][:4] == ["agreement", "commitment", "party", "speaker"]


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"commitment": "no-such-commitment"}, "commitment", "has no commitment 'no-such-commitment'"),
        ({"agreement": "other", "commitment": "other-handover"}, "agreement", "outside the agreements assigned"),
        ({"quote": ""}, None, "Quote the passage"),
        ({"source_url": ""}, "source_url", "Name the source"),
        ({"as_of": "2019-01-01"}, None, "cannot predate the agreement's signing"),
    ],
    ids=["unknown commitment", "outside the monitor's scope", "no quote", "no source", "before the agreement"],
)
def test_a_bad_row_is_refused_with_its_reason_and_the_file_imports_nothing(desk, changes, column, reason):
    before = StatusUpdate.objects.count()
    result = import_rows(desk, [good_row(desk), good_row(desk, **changes)], dry_run=False)

    assert [row.number for row in result.invalid_rows] == [2]  # the file's third row, after the header
    errors = result.invalid_rows[0].error_dict
    if column:
        assert column in errors
    assert reason in " ".join(" ".join(messages) for messages in errors.values())
    assert StatusUpdate.objects.count() == before  # the good row is not imported either


def test_good_rows_become_drafts_of_the_importing_monitor_and_nothing_public(client, desk):
    result = import_rows(desk, [good_row(desk), good_row(desk, commitment="Return of the Aghdam district")], False)

    assert not result.has_errors() and not result.has_validation_errors()
    imported = StatusUpdate.objects.filter(recorded_by=desk.monitor)
    assert imported.count() == 2
    assert set(imported.values_list("review_state", flat=True)) == {ReviewState.DRAFT}
    assert not imported.published().exists()
    assert all(entry.evidence.get().source == desk.azatutyun for entry in imported)
    client.logout()
    assert "Handed over." not in client.get(f"/commitments/{desk.kalbajar.pk}/").content.decode()


def test_claims_import_from_an_xlsx_file_as_drafts(desk):
    headers = ["agreement", "commitment", "party", "speaker", "whose_words", "position", "summary", "quote"]
    rows = [[desk.agreement.slug, "prisoner-exchange", "armenia", "Ara Ayvazian", "direct", "not_started", "S.", "Q."]]
    xlsx = tablib.Dataset(*rows, headers=headers).export("xlsx")
    loaded = tablib.Dataset().load(xlsx, format="xlsx")
    loaded.append_col([desk.azatutyun.url], header="source_url")

    result = ClaimResource(user=desk.monitor).import_data(
        loaded, dry_run=False, rollback_on_validation_errors=True, user=desk.monitor
    )

    assert not result.has_validation_errors(), [row.error_dict for row in result.invalid_rows]
    claim = Claim.objects.get(recorded_by=desk.monitor)
    assert (claim.party, claim.review_state, claim.stated_on) == (desk.armenia, ReviewState.DRAFT, dt.date(2020, 12, 7))
