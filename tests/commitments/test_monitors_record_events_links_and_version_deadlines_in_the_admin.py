"""Monitors record, in the admin, the date an event was held, a link to another agreement and the
deadline in each version of a text; only on the agreements assigned to them."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from commitments.models import AgreementLink, AgreementText, VersionDeadline
from tests.commitments.test_admin_monitors import form_data
from tests.factories import make_agreement, make_event, make_provision, make_relative_commitment, make_source


@pytest.fixture
def moscow(armenia):
    return make_agreement(
        "moscow-2021",
        signatories=[armenia],
        title="Statement of 11 January 2021",
        signed_on=dt.date(2021, 1, 11),
        entry_into_force=dt.datetime(2021, 1, 10, 21, 0, tzinfo=dt.UTC),
    )


@pytest.fixture
def monitor_client(client, agreement, moscow, monitors_group):
    """A monitor assigned to the 2020 statement and the Moscow statement."""
    user = User.objects.create_user("monitor", password="pw", is_staff=True)
    user.groups.add(monitors_group)
    agreement.monitors.add(user)
    moscow.monitors.add(user)
    client.force_login(user)
    return client


def change_url(obj) -> str:
    return reverse(f"admin:commitments_{obj._meta.model_name}_change", args=[obj.pk])


def agreement_form_data(response) -> dict:
    """Return the POST data of an agreement's change form, unchanged (the entry into force in two fields)."""
    data = form_data(response)
    widget = response.context["adminform"].form.fields["entry_into_force"].widget
    day, time = widget.decompress(data.pop("entry_into_force"))
    data["entry_into_force_0"], data["entry_into_force_1"] = day.isoformat(), time.isoformat()
    return data


def inline_prefix(response, inline_class: str) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if inline.opts.__class__.__name__ == inline_class:
            return inline.formset.prefix
    raise AssertionError(f"no {inline_class}")


def add_inline_row(data: dict, prefix: str, **fields) -> dict:
    """Add one new row to an inline's POST data."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value
    return data


def test_the_monitors_group_may_add_change_and_view_links_events_and_version_deadlines_but_not_delete(db):
    codenames = set(Group.objects.get(name="Monitors").permissions.values_list("codename", flat=True))

    for model in ("agreementlink", "agreementevent", "versiondeadline"):
        assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= codenames
        assert f"delete_{model}" not in codenames


def test_a_monitor_records_when_the_event_was_held_and_the_deadline_counting_from_it_follows(monitor_client, moscow):
    event = make_event(moscow)
    commitment = make_relative_commitment(event, months=1)
    assert commitment.deadline_in_force is None
    report = make_source("Massis Post", "The working group met", dt.date(2021, 1, 30))

    page = monitor_client.get(change_url(moscow))
    data = agreement_form_data(page)
    prefix = inline_prefix(page, "AgreementEventInline")
    data[f"{prefix}-0-occurred_on"] = "2021-01-30"
    data[f"{prefix}-0-source"] = report.pk
    data[f"{prefix}-0-quote"] = "The working group held its first meeting."
    response = monitor_client.post(change_url(moscow), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    event.refresh_from_db()
    commitment.refresh_from_db()
    assert (event.occurred_on, event.source) == (dt.date(2021, 1, 30), report)
    assert commitment.deadline_in_force == dt.date(2021, 2, 28)


def test_an_event_date_without_its_source_is_refused(monitor_client, moscow):
    event = make_event(moscow)

    page = monitor_client.get(change_url(moscow))
    data = agreement_form_data(page)
    data[f"{inline_prefix(page, 'AgreementEventInline')}-0-occurred_on"] = "2021-01-30"
    response = monitor_client.post(change_url(moscow), data)

    assert response.status_code == 200
    assert "Name the source that reports when it happened." in str(response.context["errors"])
    event.refresh_from_db()
    assert event.occurred_on is None


def test_a_monitor_links_an_agreement_to_the_points_it_implements(monitor_client, agreement, moscow):
    point9 = make_provision(agreement, "9")
    moscow_points = [make_provision(moscow, str(number)) for number in (1, 2)]

    page = monitor_client.get(change_url(moscow))
    data = add_inline_row(
        agreement_form_data(page),
        inline_prefix(page, "AgreementLinkInline"),
        kind=AgreementLink.Kind.IMPLEMENTS,
        to_agreement=agreement.pk,
        provisions=[str(point9.pk)],
        by_provisions=[str(point.pk) for point in moscow_points],
    )
    response = monitor_client.post(change_url(moscow), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    link = AgreementLink.objects.get()
    assert (link.from_agreement, link.kind, link.to_agreement) == (moscow, "implements", agreement)
    assert list(link.provisions.all()) == [point9]
    assert set(link.by_provisions.all()) == set(moscow_points)


def test_points_named_on_the_wrong_side_of_a_link_are_refused(monitor_client, agreement, moscow):
    point9 = make_provision(agreement, "9")
    moscow_point = make_provision(moscow, "1")

    page = monitor_client.get(change_url(moscow))
    data = add_inline_row(
        agreement_form_data(page),
        inline_prefix(page, "AgreementLinkInline"),
        kind=AgreementLink.Kind.IMPLEMENTS,
        to_agreement=agreement.pk,
        provisions=[str(moscow_point.pk)],
        by_provisions=[str(point9.pk)],
    )
    response = monitor_client.post(change_url(moscow), data)

    assert response.status_code == 200
    errors = str(response.context["inline_admin_formsets"][2].formset.errors)
    assert "Name points of the linked agreement only." in errors
    assert "Name points of this agreement only." in errors
    assert not AgreementLink.objects.exists()


def test_a_monitor_cannot_link_to_or_name_points_of_an_agreement_not_assigned(monitor_client, moscow):
    other = make_agreement("other", title="Another ceasefire", time_zone="UTC")
    other_point = make_provision(other, "1")

    page = monitor_client.get(change_url(moscow))
    prefix = inline_prefix(page, "AgreementLinkInline")
    choices = page.context["inline_admin_formsets"][2].formset.empty_form.fields
    data = add_inline_row(
        agreement_form_data(page),
        prefix,
        kind=AgreementLink.Kind.AMENDS,
        to_agreement=other.pk,
        provisions=[str(other_point.pk)],
    )
    response = monitor_client.post(change_url(moscow), data)

    assert other not in choices["to_agreement"].queryset
    assert other_point not in choices["provisions"].queryset
    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["errors"])
    assert not AgreementLink.objects.exists()
    autocomplete = monitor_client.get(
        reverse("admin:autocomplete"),
        {"term": "", "app_label": "commitments", "model_name": "agreementlink", "field_name": "to_agreement"},
    )
    assert str(other.pk) not in [row["id"] for row in autocomplete.json()["results"]]


def test_a_monitor_records_the_deadline_in_another_version_of_the_text(monitor_client, moscow):
    commitment = make_relative_commitment(make_event(moscow))
    quoted = AgreementText.objects.create(
        agreement=moscow, label="Aravot, English", publisher="Aravot", language="en", is_quoted=True
    )
    AgreementText.objects.create(agreement=make_agreement(), label="Elsewhere", publisher="X", language="en")

    page = monitor_client.get(change_url(commitment))
    prefix = inline_prefix(page, "VersionDeadlineInline")
    text_choices = (
        next(inline for inline in page.context["inline_admin_formsets"] if inline.formset.prefix == prefix)
        .formset.empty_form.fields["text"]
        .queryset
    )
    data = add_inline_row(
        form_data(page), prefix, text=quoted.pk, wording="by January 30, 2021", deadline_date="2021-01-30"
    )
    response = monitor_client.post(change_url(commitment), data)

    assert list(text_choices) == [quoted]
    assert response.status_code == 302, response.context and response.context["errors"]
    version = VersionDeadline.objects.get()
    assert (version.commitment, version.text, version.deadline_date) == (commitment, quoted, dt.date(2021, 1, 30))
