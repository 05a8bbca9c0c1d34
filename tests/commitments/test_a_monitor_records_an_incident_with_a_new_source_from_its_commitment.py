"""An incident is recorded like the other entries: "Record an incident" on a commitment's admin page
and, for a signed-in monitor, on its public page, the form taking the agreement and the commitment
from the query; its evidence rows choose a recorded source or add one; it is saved as a draft with
its new source, shown nowhere in public until a second monitor publishes it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from commitments.models import Incident, Source
from tests.factories import karabakh_like, make_monitor

pytestmark = pytest.mark.django_db

ADD = reverse("admin:commitments_incident_add")
NEW_SOURCE_URL = "https://www.azatutyun.am/a/31012345.html"


@pytest.fixture
def desk(db):
    data = karabakh_like()
    group = Group.objects.get(name="Monitors")
    data.author, data.reviewer = make_monitor("author"), make_monitor("reviewer")
    data.author.groups.add(group)
    data.reviewer.groups.add(group)
    data.agreement = data.route.provision.agreement
    return data


def incident_with_a_new_source(desk, **evidence) -> dict:
    return {
        "agreement": desk.agreement.pk,
        "occurred_on": "2020-12-10",
        "time_precision": "1",
        "location": "Khramort",
        "country": "Azerbaijan",
        "geo_precision": "1",
        "event_type": "battles",
        "sub_event_type": "armed_clash",
        "summary": "An armed clash near the village.",
        "commitments": [str(desk.route.pk)],
        "evidence-TOTAL_FORMS": "1",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "1",
        "evidence-MAX_NUM_FORMS": "1000",
        "evidence-0-source": "",
        "evidence-0-new_source_url": NEW_SOURCE_URL,
        "evidence-0-new_source_publisher": "Azatutyun",
        "evidence-0-new_source_title": "Clash reported near Khramort",
        "evidence-0-new_source_published_on": "2020-12-12",
        "evidence-0-new_source_precision": "day",
        "evidence-0-new_source_language": "en",
        "evidence-0-new_source_kind": "news_report",
        "evidence-0-quote": "Fighting broke out near Khramort.",
        "evidence-0-is_verbatim": "on",
        "evidence-0-speech_kind": "source",
        "casualty_reports-TOTAL_FORMS": "0",
        "casualty_reports-INITIAL_FORMS": "0",
        "casualty_reports-MIN_NUM_FORMS": "0",
        "casualty_reports-MAX_NUM_FORMS": "1000",
        **evidence,
    }


def test_the_commitments_admin_and_public_pages_link_to_the_incident_form_which_takes_them_in(client, desk):
    link = f"{ADD}?agreement={desk.agreement.pk}&commitments={desk.route.pk}"
    client.force_login(desk.author)

    admin_page = client.get(reverse("admin:commitments_commitment_change", args=[desk.route.pk]))
    public_page = client.get(desk.route.get_absolute_url()).content.decode()
    form = client.get(link).context["adminform"].form

    assert ("Record an incident", link) in [(str(label), url) for label, url in admin_page.context["record_links"]]
    assert link.replace("&", "&amp;") in public_page and "Record an incident" in public_page
    assert form.initial["agreement"] == str(desk.agreement.pk)
    assert [str(pk) for pk in form.initial["commitments"]] == [str(desk.route.pk)]
    client.logout()
    assert "Record an incident" not in client.get(desk.route.get_absolute_url()).content.decode()


def test_an_incident_with_a_new_source_is_a_draft_public_only_once_a_second_monitor_publishes_it(client, desk):
    client.force_login(desk.author)
    response = client.post(ADD, incident_with_a_new_source(desk))

    assert response.status_code == 302, response.context and [
        response.context["adminform"].form.errors,
        [formset.formset.errors for formset in response.context["inline_admin_formsets"]],
    ]
    incident = Incident.objects.get(location="Khramort")
    source = Source.objects.get(url=NEW_SOURCE_URL)
    assert (source.publisher, source.title) == ("Azatutyun", "Clash reported near Khramort")
    assert incident.evidence.get().source == source
    assert list(incident.commitments.all()) == [desk.route]
    assert (incident.review_state, incident.recorded_by) == ("draft", desk.author)

    client.logout()
    assert "Khramort" not in client.get(reverse("dashboard:incident_list")).content.decode()
    assert client.get(reverse("dashboard:incident_detail", args=[incident.pk])).status_code == 404

    client.force_login(desk.author)  # the author cannot publish it
    client.post(reverse("admin:commitments_incident_review", args=[incident.pk]), {"_publish": "1"})
    incident.refresh_from_db()
    assert incident.review_state == "draft"

    client.force_login(desk.reviewer)
    client.post(reverse("admin:commitments_incident_review", args=[incident.pk]), {"_publish": "1"})
    incident.refresh_from_db()
    assert (incident.review_state, incident.reviewed_by) == ("published", desk.reviewer)

    client.logout()
    assert "Khramort" in client.get(reverse("dashboard:incident_list")).content.decode()
    page = client.get(reverse("dashboard:incident_detail", args=[incident.pk])).content.decode()
    assert "Reviewed by a second monitor" in page


def test_a_row_with_both_a_chosen_and_a_new_source_or_neither_gets_the_form_back(client, desk):
    client.force_login(desk.author)

    both = client.post(ADD, incident_with_a_new_source(desk, **{"evidence-0-source": str(desk.tass.pk)}))
    neither = client.post(
        ADD,
        incident_with_a_new_source(
            desk,
            **{f"evidence-0-new_source_{name}": "" for name in ("url", "publisher", "title", "published_on")},
        ),
    )

    assert both.status_code == neither.status_code == 200
    assert "not both" in str(both.context["inline_admin_formsets"][0].formset.errors)
    assert "Choose the source" in str(neither.context["inline_admin_formsets"][0].formset.errors)
    assert (
        not Incident.objects.filter(location="Khramort").exists()
        and not Source.objects.filter(url=NEW_SOURCE_URL).exists()
    )


def test_save_and_add_another_opens_a_new_incident_of_the_same_agreement(client, desk):
    client.force_login(desk.author)

    response = client.post(ADD, {**incident_with_a_new_source(desk), "_addanother": "1"})

    assert response.status_code == 302
    assert response["Location"] == f"{ADD}?agreement={desk.agreement.pk}"
