"""Disputed, contested, the support of the current assessment, the commitments' sort keys and each
agreement's latest activity are stored so that pages read a column or an index; the rules stay defined
once. After every kind of write that can change them — claims and assessments created, published,
corrected, deleted; evidence added, changed or removed; a source's publisher or party changed;
refresh_status(); a seed loaded; a spreadsheet imported; the admin; a point renumbered or moved; the
synthetic data — every stored value equals the rule, in its SQL form and in its Python form.

The mark the flagging job reads (Commitment.state_changed_at) is one more stored value, whose rule is
that the job's incremental run, which reads only marked commitments and deadlines that ended since
its last run, records exactly the events and alerts a full sweep would. After every kind of write
above, and the writes of deadlines (changes, extensions, a time zone, an entry into force, a
commitment created or edited), both runs are compared."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
import tablib
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Model
from django.urls import reverse

from alerts import flagging
from alerts.models import AlertDelivery, DeadlineEvent
from commitments.models import (
    Agreement,
    Claim,
    Commitment,
    Evidence,
    Provision,
    ReviewState,
    Status,
    StatusUpdate,
    Support,
    current_update,
    standing,
)
from commitments.review import publish
from commitments.spreadsheets import ClaimResource
from tests.factories import (
    add_claim,
    add_deadline_change,
    add_status,
    karabakh_like,
    load_all_seeds,
    loaded_once_per_module,
    make_agreement,
    make_commitment,
    make_monitor,
    make_provision,
    make_source,
    make_subscriber,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
LAVROV = "Sergei Lavrov, Russian foreign minister"
DRAFT = {"review_state": ReviewState.DRAFT, "published_via": ""}


def assert_stored_values_equal_the_rules() -> None:
    commitments = list(
        Commitment.objects.select_related("provision__agreement").prefetch_related("claims").order_by("pk")
    )
    assert commitments, "the write left nothing to compare"
    disputed = set(Commitment.objects.computed_disputed().values_list("pk", flat=True))
    contested = set(Commitment.objects.computed_contested().values_list("pk", flat=True))
    stored = {c.pk: (c.is_disputed, c.is_contested) for c in commitments}
    assert stored == {c.pk: (c.pk in disputed, c.pk in contested) for c in commitments}  # the SQL form
    assert stored == {c.pk: (c.has_conflicting_claims(), c.has_contesting_claims()) for c in commitments}
    # What the pages' filters read: the stored flags.
    assert set(Commitment.objects.disputed().values_list("pk", flat=True)) == disputed
    assert set(Commitment.objects.contested().values_list("pk", flat=True)) == contested

    # The support of the current assessment: the SQL form, and the Python form (StatusUpdate.support()
    # of the current assessment, the status history's rule).
    support = ("current_support", "current_support_count", "current_as_of_precision")
    stored_support = {c.pk: tuple(getattr(c, name) for name in support) for c in commitments}
    computed = Commitment.objects.with_computed_support()
    assert stored_support == {
        c.pk: (c.computed_support, c.computed_support_count, c.computed_as_of_precision) for c in computed
    }
    assert stored_support == {c.pk: support_by_the_row_rule(c) for c in commitments}

    keys = ("agreement_signed_on", "agreement_title", "provision_agreement_id", "provision_position")
    assert {c.pk: tuple(getattr(c, key) for key in keys) for c in commitments} == {
        c.pk: (
            c.provision.agreement.signed_on,
            c.provision.agreement.title,
            c.provision.agreement_id,
            c.provision.position,
        )
        for c in commitments
    }
    # The default order (an index on the stored keys) is the agreement order through the relations.
    through_relations = (
        "-provision__agreement__signed_on",
        "provision__agreement__title",
        "provision__agreement_id",
        "provision__position",
        "id",
    )
    assert list(Commitment.objects.values_list("pk", flat=True)) == list(
        Commitment.objects.order_by(*through_relations).values_list("pk", flat=True)
    )

    agreements = list(Agreement.objects.with_computed_latest_activity().order_by("pk"))
    assert {a.pk: a.latest_activity for a in agreements} == {a.pk: a.computed_latest_activity for a in agreements}
    assert {a.pk: a.latest_activity for a in agreements} == {a.pk: a.compute_latest_activity() for a in agreements}


def support_by_the_row_rule(commitment: Commitment) -> tuple:
    updates = StatusUpdate.objects.published().filter(commitment=commitment).with_is_evidenced()
    current = current_update(standing(updates))
    if current is None:
        return ("", 0, "")
    summary = StatusUpdate.objects.prefetch_related("evidence__source").get(pk=current.pk).support()
    return (summary.level, summary.count, current.as_of_precision)


# The flagging job's last run, a full sweep over the example data, and the run after the write: the
# period of the Lachin route plan (36 months from 10 Nov 2020) has ended, its episode is open.
FIRST_RUN = dt.datetime(2023, 12, 1, 12, 0, tzinfo=dt.UTC)
NEXT_RUN = FIRST_RUN + dt.timedelta(hours=1)


def flag_before_the_write() -> None:
    """Run the job (a full sweep) on the example data as written long before: its marks older than
    the run, so that only what the write marks is new to the next run."""
    make_subscriber("everything@example.org")
    Commitment.objects.update(state_changed_at=FIRST_RUN - dt.timedelta(days=30))
    assert flagging.flag_deadline_events(FIRST_RUN).full_sweep


def what_a_run_records(*, full: bool) -> tuple[set, set]:
    """Return the events and alerts a run at NEXT_RUN records, rolled back afterwards."""
    with transaction.atomic():
        last = DeadlineEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        assert flagging.flag_deadline_events(NEXT_RUN, full=full).full_sweep == full
        events = set(
            DeadlineEvent.objects.filter(pk__gt=last).values_list(
                "commitment",
                "kind",
                "deadline",
                "deadline_ends_at",
                "occurred_at",
                "offset_days",
                "days_overdue",
                "days_late",
                "new_deadline",
                "closes__commitment",
                "closes__deadline",
            )
        )
        alerts = set(
            AlertDelivery.objects.filter(event__pk__gt=last).values_list(
                "event__commitment", "event__kind", "event__deadline", "channel", "to_email"
            )
        )
        transaction.set_rollback(True)
    return events, alerts


def assert_an_incremental_run_records_what_a_full_sweep_would() -> tuple[set, set]:
    incremental = what_a_run_records(full=False)
    assert incremental == what_a_run_records(full=True)
    return incremental


def build_world() -> SimpleNamespace:
    data = karabakh_like()
    data.admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    data.reviewer = make_monitor("reviewer")
    data.reviewer.groups.add(Group.objects.get(name="Monitors"))
    return data


@pytest.fixture(scope="module")
def world_in_the_database(django_db_setup, django_db_blocker):
    """The example data, built once for the module's tests (each test's writes are rolled back)."""
    yield from loaded_once_per_module(django_db_blocker, build_world)


@pytest.fixture
def world(world_in_the_database, db) -> SimpleNamespace:
    """The example data read afresh for each test: the objects built once would keep what an earlier
    test's write set on them, although the database rolled it back."""
    return SimpleNamespace(
        **{
            name: type(value)._base_manager.get(pk=value.pk) if isinstance(value, Model) else value
            for name, value in vars(world_in_the_database).items()
        }
    )


# --- the writes ----------------------------------------------------------------------------------


def claim_created(data, client):
    # Kalbajar was assessed fulfilled on 25 Nov 2020: a later "broken" contests it.
    add_claim(data.kalbajar, data.armenia, "Ara Ayvazian, Armenian foreign minister", dt.date(2020, 12, 10), "broken")
    assert Commitment.objects.get(pk=data.kalbajar.pk).is_contested


def claim_published(data, client):
    draft = add_claim(data.kalbajar, data.russia, LAVROV, dt.date(2021, 3, 1), "broken", **DRAFT)
    assert not Commitment.objects.get(pk=data.kalbajar.pk).is_contested  # a draft counts in nothing
    publish(draft, by=data.reviewer, now=NOW)
    assert Commitment.objects.get(pk=data.kalbajar.pk).is_contested


def claim_published_in_the_admin(data, client):
    draft = add_claim(data.aghdam, data.russia, LAVROV, dt.date(2021, 3, 1), "reinterprets", **DRAFT)
    client.force_login(data.admin)
    response = client.post(reverse("admin:commitments_claim_review", args=[draft.pk]), {"_publish": "1"})
    assert response.status_code == 302
    assert Commitment.objects.get(pk=data.aghdam.pk).is_disputed


def claim_corrected(data, client):
    # Ayvazian's "not started" is corrected to "under way": the prisoners' claims no longer conflict.
    add_claim(
        data.prisoners,
        data.armenia,
        "Ara Ayvazian, Armenian foreign minister",
        dt.date(2020, 12, 7),
        "under_way",
        corrects=data.ayvazian,
        correction_reason="Misquoted.",
    )
    assert not Commitment.objects.get(pk=data.prisoners.pk).is_disputed


def claim_deleted(data, client):
    data.ayvazian.delete()
    assert not Commitment.objects.get(pk=data.prisoners.pk).is_disputed


def claim_deleted_in_the_admin(data, client):
    client.force_login(data.admin)
    response = client.post(reverse("admin:commitments_claim_delete", args=[data.lavrov.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Claim.objects.filter(pk=data.lavrov.pk).exists()
    assert not Commitment.objects.get(pk=data.prisoners.pk).is_disputed


# The prisoners' exchange starts contested: Ayvazian said on 7 Dec 2020 it had not begun, and the
# tracker assessed it begun (minimal) as of that day. An assessment of "not started" as of 8 Dec
# contradicts nothing said on or after its date: no longer contested.
NOT_BEGUN = (Status.NOT_STARTED, dt.date(2020, 12, 8))


def status_created(data, client):
    add_status(data.prisoners, *NOT_BEGUN, data.tass)
    assert not Commitment.objects.get(pk=data.prisoners.pk).is_contested


def status_published(data, client):
    draft = add_status(data.prisoners, *NOT_BEGUN, data.tass, **DRAFT)
    assert Commitment.objects.get(pk=data.prisoners.pk).is_contested  # a draft counts in nothing
    publish(draft, by=data.reviewer, now=NOW)
    assert not Commitment.objects.get(pk=data.prisoners.pk).is_contested


def status_corrected(data, client):
    wrong = add_status(data.prisoners, *NOT_BEGUN, data.tass)
    # Corrected: it was "intermediate" as of 7 Dec, which Ayvazian's claim of that day contradicts.
    add_status(data.prisoners, Status.INTERMEDIATE, dt.date(2020, 12, 7), data.tass, corrects=wrong)
    assert Commitment.objects.get(pk=data.prisoners.pk).is_contested


def status_deleted(data, client):
    update = add_status(data.prisoners, *NOT_BEGUN, data.tass)
    update.delete()
    assert Commitment.objects.get(pk=data.prisoners.pk).is_contested


def evidence_removed(data, client):
    update = add_status(data.prisoners, *NOT_BEGUN, data.tass)
    update.evidence.get().delete()  # without evidence the assessment no longer stands
    assert Commitment.objects.get(pk=data.prisoners.pk).is_contested


def evidence_added(data, client):
    update = add_status(data.prisoners, *NOT_BEGUN, data.tass)
    update.evidence.get().delete()
    Evidence.objects.create(status_update=update, source=data.tass, quote="Nothing has begun.")
    assert not Commitment.objects.get(pk=data.prisoners.pk).is_contested


def corroborate_the_prisoners_exchange(data) -> Evidence:
    """The prisoners' current assessment rests on Azatutyun's report: add TASS's, which corroborates it."""
    current = data.prisoners.status_updates.get(status=Status.MINIMAL)
    evidence = Evidence.objects.create(status_update=current, source=data.tass, quote="Under way.")
    assert Commitment.objects.get(pk=data.prisoners.pk).current_support == Support.CORROBORATED
    return evidence


def evidence_source_changed(data, client):
    evidence = corroborate_the_prisoners_exchange(data)
    evidence.source = data.azatutyun  # both pieces now quote Azatutyun: one voice
    evidence.save()
    assert Commitment.objects.get(pk=data.prisoners.pk).current_support == Support.ONE_SOURCE


def source_affiliated_to_a_party(data, client):
    corroborate_the_prisoners_exchange(data)
    for source in (data.tass, data.azatutyun):
        source.affiliated_party = data.russia
        source.save()
    assert Commitment.objects.get(pk=data.prisoners.pk).current_support == Support.PARTY_SOURCES_ONLY


def source_publisher_changed_in_the_admin(data, client):
    corroborate_the_prisoners_exchange(data)
    client.force_login(data.admin)
    url = reverse("admin:commitments_source_change", args=[data.tass.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    post = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    post["publisher"] = "Azatutyun"  # the same publisher twice: one voice
    post.update(formset_management(page.context))
    response = client.post(url, post)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert Commitment.objects.get(pk=data.prisoners.pk).current_support == Support.ONE_SOURCE


def formset_management(context) -> dict:
    """The management form fields of the admin page's inline formsets, as the browser posts them."""
    fields = {}
    for formset in context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        fields.update({management.add_prefix(name): management[name].value() for name in management.fields})
    return fields


def status_refreshed(data, client):
    # An assessment published by a plain UPDATE (no save()): refresh_status() brings everything along.
    draft = add_status(data.prisoners, *NOT_BEGUN, data.tass, **DRAFT)
    StatusUpdate.objects.filter(pk=draft.pk).update(review_state=ReviewState.PUBLISHED)
    Commitment.objects.select_related("provision__agreement").get(pk=data.prisoners.pk).refresh_status()
    assert not Commitment.objects.get(pk=data.prisoners.pk).is_contested


def seeds_loaded(data, client):
    load_all_seeds()
    assert Commitment.objects.filter(is_contested=True).exclude(provision__agreement=data.agreement).exists()
    assert Commitment.objects.filter(is_disputed=True).exclude(provision__agreement=data.agreement).exists()


def spreadsheet_imported(data, client):
    monitor = make_monitor("importer", agreement=data.agreement)
    headers = [
        "agreement",
        "commitment",
        "party",
        "speaker",
        "whose_words",
        "position",
        "summary",
        "quote",
        "source_url",
    ]
    # Stated on the source's day, 7 Dec 2020: after Kalbajar was assessed fulfilled.
    row = [
        data.agreement.slug,
        "kalbajar-handover",
        "armenia",
        "Ara Ayvazian",
        "direct",
        "broken",
        "S.",
        "Q.",
        data.azatutyun.url,
    ]
    result = ClaimResource(user=monitor).import_data(
        tablib.Dataset(row, headers=headers), dry_run=False, rollback_on_validation_errors=True, user=monitor
    )
    assert not result.has_errors() and not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    [draft] = Claim.objects.filter(review_state=ReviewState.DRAFT)
    assert not Commitment.objects.get(pk=data.kalbajar.pk).is_contested
    publish(draft, by=data.reviewer, now=NOW)
    assert Commitment.objects.get(pk=data.kalbajar.pk).is_contested


def provision_renumbered(data, client):
    # Point 8 moves before point 2 (a renumbered text).
    point8 = Provision.objects.get(pk=data.point8.pk)
    point8.position = 1
    point8.save()
    assert list(Commitment.objects.values_list("code", flat=True))[0] == "prisoner-exchange"


def provision_moved_in_the_admin(data, client):
    other = make_agreement("later", title="A later agreement", signed_on=dt.date(2021, 1, 11))
    client.force_login(data.admin)
    commitments = list(data.point8.commitments.order_by("pk"))
    post = {
        "agreement": other.pk,
        "number": "8",
        "position": "3",
        "text": data.point8.text,
        "text_variants": "",
        "commitments-TOTAL_FORMS": str(len(commitments)),
        "commitments-INITIAL_FORMS": str(len(commitments)),
        **{f"commitments-{n}-id": c.pk for n, c in enumerate(commitments)},
        **{f"commitments-{n}-provision": data.point8.pk for n, c in enumerate(commitments)},
    }
    response = client.post(reverse("admin:commitments_provision_change", args=[data.point8.pk]), post)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    # The later agreement comes first (newest signed first), with the prisoners' activity.
    assert list(Commitment.objects.values_list("code", flat=True))[0] == "prisoner-exchange"
    assert Agreement.objects.get(pk=other.pk).latest_activity == dt.date(2020, 12, 7)


def agreement_redated(data, client):
    other = make_agreement("later", title="A later agreement", signed_on=dt.date(2021, 1, 11))
    make_commitment(make_provision(other, "1"), title="Later handover", code="later-handover")
    agreement = Agreement.objects.get(pk=data.agreement.pk)
    agreement.signed_on = dt.date(2021, 2, 1)  # now the newest: its commitments come first
    agreement.save()
    assert list(Commitment.objects.values_list("code", flat=True))[-1] == "later-handover"


def commitment_moved(data, client):
    kalbajar = Commitment.objects.get(pk=data.kalbajar.pk)
    kalbajar.provision = Provision.objects.get(pk=data.point2.pk)
    kalbajar.save()


def commitments_deleted_in_the_admin(data, client):
    client.force_login(data.admin)
    response = client.post(
        reverse("admin:commitments_commitment_changelist"),
        {"action": "delete_selected", "_selected_action": [data.prisoners.pk, data.kalbajar.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert Agreement.objects.get(pk=data.agreement.pk).latest_activity == dt.date(2020, 11, 20)


def synthetic_data(data, client):
    from devtools.synthetic import Scale, make_synthetic_data

    make_synthetic_data(
        Scale(agreements=3, commitments=200, status_updates=400, parties=6, sources=30, subscribers=2), seed=16
    )
    synthetic = Commitment.objects.filter(code__startswith="c")
    assert synthetic.filter(is_disputed=True).exists() and synthetic.filter(is_contested=True).exists()


def route(data) -> Commitment:
    return Commitment.objects.select_related("provision__agreement").get(pk=data.route.pk)


def deadline_fulfilled_late(data, client):
    add_status(data.route, Status.FULFILLED, dt.date(2023, 11, 20), data.tass)
    assert route(data).current_status == Status.FULFILLED


def extension_source():
    return make_source("TASS", "The route plan's deadline is extended", dt.date(2023, 11, 16))


def deadline_extended(data, client):
    add_deadline_change(data.route, dt.date(2024, 6, 1), decided_on=dt.date(2023, 11, 15), source=extension_source())
    assert route(data).deadline_in_force == dt.date(2024, 6, 1)


def deadline_extension_published(data, client):
    draft = add_deadline_change(
        data.route, dt.date(2024, 6, 1), decided_on=dt.date(2023, 11, 15), source=extension_source(), **DRAFT
    )
    publish(draft, by=data.reviewer, now=NOW)
    assert route(data).deadline_in_force == dt.date(2024, 6, 1)


def assessment_ended_the_commitment(data, client):
    add_status(data.route, Status.ENDED, dt.date(2023, 11, 20), data.tass)


def agreement_entered_into_force_later(data, client):
    agreement = Agreement.objects.get(pk=data.agreement.pk)
    agreement.entry_into_force += dt.timedelta(days=60)  # the route plan's period now ends in January 2024
    agreement.save()
    assert route(data).deadline_in_force > FIRST_RUN.date()


def agreement_time_zone_changed(data, client):
    agreement = Agreement.objects.get(pk=data.agreement.pk)
    agreement.time_zone = "Pacific/Kiritimati"
    agreement.save()


def commitment_deadline_edited(data, client):
    commitment = route(data)
    commitment.deadline_kind = Commitment.DeadlineKind.DATE
    commitment.period_months = None
    commitment.deadline_date = dt.date(2023, 11, 30)  # ended a day before the last run, after the last run's own
    commitment.save()
    commitment = route(data)
    commitment.deadline_date = dt.date(2023, 12, 31)
    commitment.save(update_fields=["deadline_date"])


def commitment_created_overdue(data, client):
    make_commitment(
        data.point6, title="Return of the Lachin district", code="lachin-handover", deadline=dt.date(2020, 12, 1)
    )


WRITES = [
    claim_created,
    claim_published,
    claim_published_in_the_admin,
    claim_corrected,
    claim_deleted,
    claim_deleted_in_the_admin,
    status_created,
    status_published,
    status_corrected,
    status_deleted,
    evidence_removed,
    evidence_added,
    evidence_source_changed,
    source_affiliated_to_a_party,
    source_publisher_changed_in_the_admin,
    status_refreshed,
    seeds_loaded,
    spreadsheet_imported,
    provision_renumbered,
    provision_moved_in_the_admin,
    agreement_redated,
    commitment_moved,
    commitments_deleted_in_the_admin,
    synthetic_data,
    deadline_fulfilled_late,
    deadline_extended,
    deadline_extension_published,
    assessment_ended_the_commitment,
    agreement_entered_into_force_later,
    agreement_time_zone_changed,
    commitment_deadline_edited,
    commitment_created_overdue,
]
# Writes after which the next run has something to record (the others change no deadline state).
WRITES_WITH_EVENTS = {
    agreement_redated,  # it adds an agreement with an overdue commitment
    seeds_loaded,
    synthetic_data,
    deadline_fulfilled_late,
    deadline_extended,
    deadline_extension_published,
    assessment_ended_the_commitment,
    agreement_entered_into_force_later,
    commitment_deadline_edited,
    commitment_created_overdue,
}


def test_the_example_data_holds_both_flags_before_any_write(world):
    prisoners = Commitment.objects.get(pk=world.prisoners.pk)
    assert prisoners.is_disputed and prisoners.is_contested
    assert_stored_values_equal_the_rules()


@pytest.mark.parametrize("write", WRITES, ids=[write.__name__.replace("_", " ") for write in WRITES])
def test_every_stored_value_equals_the_rule_after_the_write(world, client, write):
    flag_before_the_write()

    write(world, client)

    assert_stored_values_equal_the_rules()
    events, alerts = assert_an_incremental_run_records_what_a_full_sweep_would()
    assert bool(events) == (write in WRITES_WITH_EVENTS)
    assert bool(alerts) == bool(events)


def test_a_write_that_failed_to_mark_its_commitment_is_caught_by_the_full_sweep(world):
    # The safety net, and proof that the comparison above can fail: a fulfilment whose mark is lost.
    flag_before_the_write()
    add_status(world.route, Status.FULFILLED, dt.date(2023, 11, 20), world.tass)
    Commitment.objects.filter(pk=world.route.pk).update(state_changed_at=None)

    incremental, full = what_a_run_records(full=False), what_a_run_records(full=True)

    assert incremental == (set(), set())
    assert {kind for _, kind, *_ in full[0]} == {DeadlineEvent.Kind.FULFILLED_LATE}


def test_the_migration_fills_the_stored_values_of_existing_rows(world):
    # Rows as they stood before the columns existed: nothing stored yet.
    Commitment.objects.update(is_disputed=False, is_contested=False, agreement_title="", provision_position=0)
    Agreement.objects.update(latest_activity=None)
    migration = importlib.import_module("commitments.migrations.0034_fill_stored_flags_sort_keys_and_latest_activity")

    migration.fill(None, None)

    prisoners = Commitment.objects.get(pk=world.prisoners.pk)
    assert prisoners.is_disputed and prisoners.is_contested
    assert_stored_values_equal_the_rules()


def test_the_migration_fills_the_stored_support_of_existing_rows(world):
    Commitment.objects.update(current_support="", current_support_count=0, current_as_of_precision="")
    migration = importlib.import_module("commitments.migrations.0040_fill_stored_support")

    migration.fill(None, None)

    assert Commitment.objects.get(pk=world.prisoners.pk).current_support == Support.ONE_SOURCE
    assert_stored_values_equal_the_rules()
