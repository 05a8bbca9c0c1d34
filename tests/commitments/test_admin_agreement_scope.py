"""Monitors limited to their assigned agreements neither see nor change others anywhere in the admin."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from commitments.models import Agreement, Commitment
from tests.factories import MOSCOW_ENTRY_INTO_FORCE, add_status, make_agreement, make_commitment, make_provision


@pytest.fixture
def other_agreement(db) -> Agreement:
    return make_agreement("other", title="Another ceasefire", time_zone="UTC")


@pytest.fixture
def mine(provision, armenia) -> Commitment:
    return make_commitment(provision, parties=[armenia], code="mine", title="Mine", category="other", deadline=None)


@pytest.fixture
def theirs(other_agreement, armenia, source) -> Commitment:
    commitment = make_commitment(
        make_provision(other_agreement, "1"),
        parties=[armenia],
        code="theirs",
        title="Theirs",
        category="other",
        deadline=None,
    )
    add_status(commitment, "minimal", dt.date(2021, 1, 1), source, "q", summary="Their update.")
    return commitment


@pytest.fixture
def limited_client(client, agreement, monitors_group):
    user = User.objects.create_user("limited", password="pw", is_staff=True)
    user.groups.add(monitors_group)
    agreement.monitors.add(user)
    client.force_login(user)
    return client


def test_a_monitor_lists_only_the_agreements_and_commitments_assigned(
    limited_client, agreement, other_agreement, mine, theirs
):
    agreements = limited_client.get(reverse("admin:commitments_agreement_changelist")).context["cl"].result_list
    commitments = limited_client.get(reverse("admin:commitments_commitment_changelist")).context["cl"].result_list
    updates = limited_client.get(reverse("admin:commitments_statusupdate_changelist")).context["cl"].result_list

    assert list(agreements) == [agreement]
    assert list(commitments) == [mine]
    assert list(updates) == []


def test_a_monitor_cannot_open_or_change_another_agreements_commitment(limited_client, theirs):
    url = reverse("admin:commitments_commitment_change", args=[theirs.pk])

    assert limited_client.get(url).status_code == 302  # "does not exist" for this monitor
    limited_client.post(url, {"title": "Changed", "code": "theirs"})
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


def test_autocomplete_offers_only_assigned_commitments(limited_client, mine, theirs):
    response = limited_client.get(
        reverse("admin:autocomplete"),
        {"term": "", "app_label": "commitments", "model_name": "statusupdate", "field_name": "commitment"},
    )

    assert [row["id"] for row in response.json()["results"]] == [str(mine.pk)]


def test_form_choices_offer_only_assigned_commitments_and_updates(limited_client, mine, theirs):
    add_update = limited_client.get(reverse("admin:commitments_statusupdate_add"))
    commitment_choices = add_update.context["adminform"].form.fields["commitment"].queryset
    corrects_choices = add_update.context["adminform"].form.fields["corrects"].queryset

    assert list(commitment_choices) == [mine]
    assert not corrects_choices.filter(commitment=theirs).exists()


def test_a_monitor_cannot_record_an_update_on_another_agreement(limited_client, theirs, source):
    response = limited_client.post(
        reverse("admin:commitments_statusupdate_add"),
        {
            "commitment": theirs.pk,
            "status": "fulfilled",
            "as_of": "2021-02-01",
            "summary": "Sneaky.",
            "evidence-TOTAL_FORMS": "1",
            "evidence-INITIAL_FORMS": "0",
            "evidence-0-source": source.pk,
            "evidence-0-quote": "q",
            "evidence-0-is_verbatim": "on",
        },
    )

    assert response.status_code == 200
    assert "commitment" in response.context["adminform"].form.errors
    assert theirs.status_updates.count() == 1


def test_the_monitor_all_agreements_permission_lifts_the_limit(client, agreement, mine, theirs, monitors_group):
    user = User.objects.create_user("lead", password="pw", is_staff=True)
    user.groups.add(monitors_group)
    user.user_permissions.add(Permission.objects.get(codename="monitor_all_agreements"))
    client.force_login(user)

    commitments = client.get(reverse("admin:commitments_commitment_changelist")).context["cl"].result_list

    assert set(commitments) == {mine, theirs}


def test_a_monitor_who_adds_an_agreement_is_assigned_to_it(limited_client, armenia):
    response = limited_client.post(
        reverse("admin:commitments_agreement_add"),
        {
            "slug": "new",
            "title": "New ceasefire",
            "signed_on": "2024-01-01",
            "time_zone": "UTC",
            "signatories": [armenia.pk],
            "entry_into_force_0": "2024-01-02",
            "entry_into_force_1": "00:00:00",
            "texts-TOTAL_FORMS": "0",
            "texts-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
            "links_out-TOTAL_FORMS": "0",
            "links_out-INITIAL_FORMS": "0",
            "provisions-TOTAL_FORMS": "0",
            "provisions-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    new = Agreement.objects.get(slug="new")
    assert list(new.monitors.values_list("username", flat=True)) == ["limited"]


def test_a_monitor_sees_only_the_alerts_of_assigned_agreements_and_opts_in_only_to_them(
    limited_client, agreement, other_agreement, mine, theirs
):
    from alerts.models import DeadlineEvent

    now = MOSCOW_ENTRY_INTO_FORCE
    for commitment in (mine, theirs):
        DeadlineEvent.objects.create(
            commitment=commitment,
            kind="due_soon",
            deadline=dt.date(2021, 1, 1),
            deadline_ends_at=now,
            occurred_at=now,
            detected_at=now,
        )

    events = limited_client.get(reverse("admin:alerts_deadlineevent_changelist")).context["cl"].result_list
    opt_in_choices = (
        limited_client.get(reverse("admin:alerts_monitorsubscription_add"))
        .context["adminform"]
        .form.fields["agreement"]
        .queryset
    )

    assert [event.commitment for event in events] == [mine]
    assert list(opt_in_choices) == [agreement]


def test_a_monitor_cannot_read_the_history_of_another_agreement(limited_client, other_agreement, theirs):
    url = reverse("admin:commitments_agreement_history", args=[other_agreement.pk])
    version = other_agreement.history.latest()

    assert limited_client.get(url).status_code == 404
    assert (
        limited_client.get(
            reverse("admin:commitments_agreement_simple_history", args=[other_agreement.pk, version.history_id])
        ).status_code
        == 404
    )
