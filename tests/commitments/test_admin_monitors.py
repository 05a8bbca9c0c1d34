"""The monitors' admin: quick recording with quoted evidence, append-only history, clear refusals."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.models import Claim, Commitment, Source, StatusUpdate
from tests.factories import add_claim, add_status, make_commitment


@pytest.fixture
def monitor(agreement, monitors_group) -> User:
    """A monitor assigned to the test agreement."""
    user = User.objects.create_user("monitor", password="pw", is_staff=True)
    user.groups.add(monitors_group)
    agreement.monitors.add(user)
    return user


@pytest.fixture
def monitor_client(client, monitor):
    client.force_login(monitor)
    return client


@pytest.fixture
def kalbajar(db):
    return make_commitment(deadline=dt.date(2020, 11, 15), title="Return of the Kalbajar district")


def change_url(obj) -> str:
    return reverse(f"admin:commitments_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(response) -> dict:
    """Return the POST data of an admin change form as the browser would submit it unchanged."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or value == "" or value == []:
                continue
            if isinstance(value, list):
                value = [str(item) for item in value]
            elif value is True:
                value = "on"
            data[form.add_prefix(name)] = value
    return data


def record_update(monitor_client, commitment, **fields):
    """Post the record page of an assessment (its first evidence row given as evidence_<field>)."""
    page = monitor_client.get(reverse("admin:commitments_statusupdate_add"), {"commitment": commitment.pk})
    assert page.status_code == 200
    data = {
        "commitment": str(commitment.pk),
        "evidence-TOTAL_FORMS": "1",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "1",
        "evidence-MAX_NUM_FORMS": "1000",
        "evidence-0-speech_kind": "source",
        "evidence-0-new_source_precision": "day",
        "evidence-0-new_source_language": "en",
        "evidence-0-new_source_kind": "news_report",
    }
    for name, value in fields.items():
        data[f"evidence-0-{name.removeprefix('evidence_')}" if name.startswith("evidence_") else name] = value
    return monitor_client.post(reverse("admin:commitments_statusupdate_add"), data)


def errors_of(response) -> str:
    """Return every error the record page shows (the entry's form and its evidence rows)."""
    errors = [str(response.context["adminform"].form.errors)]
    for inline in response.context["inline_admin_formsets"]:
        errors += [str(inline.formset.errors), str(inline.formset.non_form_errors())]
    return " ".join(errors)


def test_a_monitor_records_a_status_update_with_a_quoted_source(monitor_client, monitor, kalbajar, source):
    response = record_update(
        monitor_client,
        kalbajar,
        status="fulfilled",
        as_of="2020-11-25",
        summary="Handed over.",
        evidence_source=source.pk,
        evidence_quote="The Kalbajar district was handed over.",
        evidence_is_verbatim="on",
    )

    assert response.status_code == 302, response.context and errors_of(response)
    update = StatusUpdate.objects.get(commitment=kalbajar)
    assert (update.status, update.as_of, update.recorded_by) == ("fulfilled", dt.date(2020, 11, 25), monitor)
    assert update.evidence.get().quote == "The Kalbajar district was handed over."
    assert update.evidence.get().source == source
    # A draft until a second monitor publishes it (tests/commitments/test_a_second_monitor_publishes_….py).
    assert update.review_state == "draft"
    kalbajar.refresh_from_db()
    assert kalbajar.current_status == "not_assessed"


def test_a_status_update_without_evidence_is_refused_and_nothing_is_saved(monitor_client, kalbajar):
    response = record_update(monitor_client, kalbajar, status="fulfilled", as_of="2020-11-25", summary="Handed over.")

    assert response.status_code == 200
    assert "Choose the source, or add a new one below." in errors_of(response)
    assert not StatusUpdate.objects.exists()


def test_evidence_without_a_quote_is_refused(monitor_client, kalbajar, source):
    response = record_update(
        monitor_client,
        kalbajar,
        status="fulfilled",
        as_of="2020-11-25",
        summary="Done.",
        evidence_source=source.pk,
        evidence_quote="   ",
    )

    assert response.status_code == 200
    assert not StatusUpdate.objects.exists()


def test_an_assessment_dated_in_the_future_is_refused(monitor_client, kalbajar, source):
    response = record_update(
        monitor_client,
        kalbajar,
        status="fulfilled",
        as_of="2999-01-01",
        summary="Done.",
        evidence_source=source.pk,
        evidence_quote="Quote.",
    )

    assert response.status_code == 200
    assert "An assessment cannot be dated in the future." in errors_of(response)
    assert not StatusUpdate.objects.exists()


def test_a_monitor_cannot_change_or_delete_a_recorded_status_update(monitor_client, kalbajar, source):
    update = add_status(kalbajar, "minimal", dt.date(2020, 11, 16), source, "Begun.", summary="Begun.")

    delete = monitor_client.post(reverse("admin:commitments_statusupdate_delete", args=[update.pk]), {"post": "yes"})
    change = monitor_client.post(
        change_url(update), {"status": "fulfilled", "as_of": "2020-11-16", "summary": "Rewritten."}
    )

    assert delete.status_code == 403
    assert change.status_code == 403  # a recorded entry opens view-only: nothing of it can be saved
    update.refresh_from_db()
    assert (update.status, update.summary) == ("minimal", "Begun.")


def test_a_monitor_cannot_delete_a_claim(monitor_client, kalbajar, source, armenia):
    claim = add_claim(kalbajar, armenia, "Minister", dt.date(2020, 11, 16), "under_way", source, "q", summary="s")

    response = monitor_client.post(reverse("admin:commitments_claim_delete", args=[claim.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_the_commitment_page_shows_history_read_only(monitor_client, kalbajar, source):
    update = add_status(kalbajar, "minimal", dt.date(2020, 11, 16), source, "Troops began to leave.", summary="Begun.")

    page = monitor_client.get(change_url(kalbajar))
    data = form_data(page)
    history_prefix = next(
        inline.formset.prefix
        for inline in page.context["inline_admin_formsets"]
        if inline.opts.__class__.__name__ == "StatusHistoryInline"
    )
    data[f"{history_prefix}-0-summary"] = "Rewritten through the inline."
    data[f"{history_prefix}-0-DELETE"] = "on"
    response = monitor_client.post(change_url(kalbajar), data)

    assert "Troops began to leave." in page.content.decode()
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.summary == "Begun."


def test_staff_outside_the_monitors_group_see_nothing_of_the_tracker(client, db, kalbajar):
    client.force_login(User.objects.create_user("clerk", password="pw", is_staff=True))

    assert client.get(reverse("admin:commitments_commitment_changelist")).status_code == 403
    assert client.get(change_url(kalbajar)).status_code == 403
    assert "commitments" not in client.get(reverse("admin:index")).context["available_apps"].__str__()


def test_a_source_whose_url_is_already_recorded_is_refused_naming_it(monitor_client, source):
    response = monitor_client.post(
        reverse("admin:commitments_source_add"),
        {
            "publisher": "Copy",
            "title": "Same article",
            "published_on": "2020-12-07",
            "published_on_precision": "day",
            "language": "en",
            "url": source.url,
            "kind": "news_report",
        },
    )

    assert response.status_code == 200
    message = str(response.context["adminform"].form.errors["url"])
    assert f"already recorded as source #{source.pk}" in message
    assert "Azatutyun" in message
    assert Source.objects.count() == 1


def test_a_source_url_that_is_not_http_or_https_is_refused(monitor_client, db):
    response = monitor_client.post(
        reverse("admin:commitments_source_add"),
        {
            "publisher": "X",
            "title": "Y",
            "published_on": "2020-12-07",
            "published_on_precision": "day",
            "language": "en",
            "url": "javascript:alert(1)",
            "kind": "news_report",
        },
    )

    assert response.status_code == 200
    assert "starts with http:// or https://" in str(response.context["adminform"].form.errors["url"])
    assert not Source.objects.exists()


def test_a_deadline_before_the_agreement_was_signed_is_refused(monitor_client, provision, armenia):
    response = monitor_client.post(
        reverse("admin:commitments_commitment_add"),
        {
            "provision": provision.pk,
            "code": "early",
            "title": "Early",
            "description": "d",
            "responsible_parties": [armenia.pk],
            "category": "other",
            "deadline_kind": "date",
            "deadline_date": "2020-11-01",
            **{
                f"{prefix}-{key}": value
                for prefix in ("status_updates", "status_updates-2", "version_deadlines", "deadline_changes", "claims")
                for key, value in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}.items()
            },
        },
    )

    assert response.status_code == 200
    assert "before the agreement was signed (2020-11-09)" in str(response.context["adminform"].form.errors)
    assert not Commitment.objects.exists()


def test_a_monitor_extends_a_deadline_and_the_original_stays(monitor_client, monitor, kalbajar, source, azerbaijan):
    response = monitor_client.post(
        reverse("admin:commitments_deadlinechange_add"),
        {
            "commitment": str(kalbajar.pk),
            "new_deadline": "2020-11-25",
            "decided_on": "2020-11-15",
            "agreed_by": [str(azerbaijan.pk)],
            "reason": "At Armenia's request.",
            "source": str(source.pk),
            "new_source_precision": "day",
            "new_source_language": "en",
            "new_source_kind": "news_report",
        },
    )

    assert response.status_code == 302, response.context and errors_of(response)
    change = kalbajar.deadline_changes.get()
    assert (change.previous_deadline, change.recorded_by, change.review_state) == (
        dt.date(2020, 11, 15),
        monitor,
        "draft",
    )
    kalbajar.refresh_from_db()
    # The original stays; a draft change moves nothing until a second monitor publishes it.
    assert (kalbajar.deadline_date, kalbajar.deadline_in_force) == (dt.date(2020, 11, 15), dt.date(2020, 11, 15))


def test_the_source_autocomplete_answers_a_monitor(monitor_client, source):
    response = monitor_client.get(
        reverse("admin:autocomplete"),
        {"term": "Azat", "app_label": "commitments", "model_name": "evidence", "field_name": "source"},
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(source.pk)]


def test_the_commitment_list_makes_no_query_per_row(monitor_client, russia):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = monitor_client.get(reverse("admin:commitments_commitment_changelist"), {"overdue": "yes"})
        assert response.status_code == 200
        return len(queries)

    for _ in range(3):
        make_commitment(deadline=dt.date(2020, 11, 20)).responsible_parties.add(russia)
    few = count_queries()
    for _ in range(30):
        make_commitment(deadline=dt.date(2020, 11, 20)).responsible_parties.add(russia)

    assert count_queries() == few


def test_a_recorded_update_opens_view_only_and_its_author_adds_evidence_to_a_draft(
    monitor_client, monitor, kalbajar, source
):
    recorded = add_status(kalbajar, "minimal", dt.date(2020, 11, 16), source, "First passage.", summary="Begun.")
    page = monitor_client.get(change_url(recorded))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert 'name="_save"' not in page.content.decode()  # no Save button on a recorded entry

    draft = add_status(
        kalbajar, "minimal", dt.date(2020, 11, 17), source, "First.", summary="Draft.", review_state="draft"
    )
    StatusUpdate.objects.filter(pk=draft.pk).update(recorded_by=monitor)
    page = monitor_client.get(change_url(draft))
    data = form_data(page)
    data.update(
        {
            "evidence-TOTAL_FORMS": "2",
            "evidence-1-source": str(source.pk),
            "evidence-1-quote": "Second passage.",
            "evidence-1-is_verbatim": "on",
            "evidence-1-speech_kind": "source",
        }
    )

    response = monitor_client.post(change_url(draft), data)

    assert response.status_code == 302, response.context and errors_of(response)
    assert list(draft.evidence.order_by("id").values_list("quote", flat=True)) == ["First.", "Second passage."]


def test_the_history_pages_never_save_an_old_version(monitor_client, kalbajar, source):
    update = add_status(kalbajar, "minimal", dt.date(2020, 11, 16), source, summary="Begun.")
    version = update.history.latest()

    response = monitor_client.post(
        reverse("admin:commitments_statusupdate_simple_history", args=[update.pk, version.history_id]),
        {"status": "fulfilled", "as_of": "2020-11-16", "summary": "Rewritten.", "commitment": kalbajar.pk},
    )

    assert response.status_code == 403
    update.refresh_from_db()
    assert update.summary == "Begun."
