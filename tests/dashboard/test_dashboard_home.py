import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from commitments.models import Status
from tests.factories import add_status, karabakh_like, make_commitment

pytestmark = pytest.mark.django_db


def figures(agreement) -> dict[str, int]:
    return {key: count for key, _label, count in agreement.status_counts}


def test_it_counts_each_agreements_commitments_by_status_overdue_and_disputed(client):
    data = karabakh_like()

    response = client.get(reverse("dashboard:home"))

    assert response.status_code == 200
    [agreement] = response.context["agreements"]
    assert agreement == data.agreement
    assert figures(agreement) == {
        "fulfilled": 2,
        "under-way": 1,
        "not-started": 0,
        "violated": 0,
        "ended": 0,
        "not-assessed": 1,
    }
    assert agreement.overdue_count == 1
    assert agreement.disputed_count == 1
    assert response.context["overdue_total"] == 1


def test_the_status_bar_splits_the_whole_width_between_the_statuses_present(client):
    karabakh_like()

    [agreement] = client.get(reverse("dashboard:home")).context["agreements"]

    assert [(s.key, s.count, s.x, s.width) for s in agreement.bar] == [
        ("fulfilled", 2, 0, 50),
        ("under-way", 1, 50, 25),
        ("not-assessed", 1, 75, 25),
    ]


@time_machine.travel(dt.datetime(2023, 11, 20, 12, 0, tzinfo=dt.UTC), tick=False)
def test_it_lists_what_is_overdue_now_with_the_days_overdue(client):
    data = karabakh_like()

    response = client.get(reverse("dashboard:home"))

    # Due 10 Nov 2023 in Moscow time, so overdue from 2023-11-10T21:00Z: day 10 on 20 Nov.
    assert response.context["overdue_now"] == [(data.route, 10)]
    assert f'<li><a href="{data.route.get_absolute_url()}">Plan for a new route along the Lachin corridor</a>' in (
        page := response.content.decode()
    )
    item = page[page.index("10 days overdue · ") :]
    item = item[: item.index("</li>")]
    assert str(data.azerbaijan) in item and str(data.armenia) in item


@time_machine.travel(dt.datetime(2023, 10, 20, 12, 0, tzinfo=dt.UTC), tick=False)
def test_it_lists_what_falls_due_in_the_next_30_days(client):
    data = karabakh_like()

    response = client.get(reverse("dashboard:home"))

    assert response.context["due_soon"] == [data.route]
    assert response.context["overdue_now"] == []


def test_it_shows_the_latest_assessments_and_claims_newest_first(client):
    data = karabakh_like()

    response = client.get(reverse("dashboard:home"))

    assert [u.commitment for u in response.context["latest_updates"]] == [data.prisoners, data.kalbajar, data.aghdam]
    assert list(response.context["latest_claims"]) == [data.ayvazian, data.lavrov]
    page = response.content.decode()
    updates = page[page.index('id="updates-heading"') : page.index('id="claims-heading"')]
    assert updates.index("Exchange of prisoners and bodies") < updates.index("Return of the Kalbajar district")
    assert f'<a href="/sources/{data.azatutyun.pk}/">Azatutyun, ' in updates
    claims = page[page.index('id="claims-heading"') :]
    assert '<span class="speaker">Ara Ayvazian, Armenian foreign minister</span> (' in claims
    assert '<span class="position position-not_started">' in claims


def test_the_timeline_places_each_dated_deadline_against_the_day_it_was_met(client):
    data = karabakh_like()

    timeline = client.get(reverse("dashboard:home")).context["timeline"]

    rows = {row.commitment: row for row in timeline.rows}
    assert set(rows) == {data.aghdam, data.kalbajar, data.route}
    kalbajar = rows[data.kalbajar]
    assert (kalbajar.original, kalbajar.deadline, kalbajar.met_on) == (
        dt.date(2020, 11, 15),
        dt.date(2020, 11, 25),
        dt.date(2020, 11, 25),
    )
    assert rows[data.route].is_overdue and rows[data.route].met_on is None
    assert rows[data.aghdam].original is None  # never changed


def test_the_timeline_draws_a_row_per_deadline_in_both_drawings_with_its_outcome_and_its_escaped_title(client):
    data = karabakh_like()
    data.route.title = "Route <Lachin> & corridor"
    data.route.save()

    html = client.get(reverse("dashboard:home")).content.decode()

    for drawing in ("wide", "phone"):
        svg = html[html.index(f'<svg class="timeline-{drawing}"') :]
        svg = svg[: svg.index("</svg>")]
        rows = svg.split('<g class="row')[1:]
        assert len(rows) == 3
        [route] = [row for row in rows if "Route" in row]
        assert route.startswith(' row-overdue">')
        assert "Route &lt;Lachin&gt; &amp; corridor" in route
        assert svg.count('class="tick-label') == (5 if drawing == "wide" else 3)


def test_an_agreements_panel_links_its_figures_to_the_list_and_a_past_days_panel_does_not(client):
    data = karabakh_like()
    data.agreement.title = "Statement <on a complete ceasefire> & after"
    data.agreement.short_title = ""
    data.agreement.save()

    page = client.get(reverse("dashboard:home")).content.decode()
    today = timezone.now()
    with time_machine.travel(today + dt.timedelta(days=2)):  # the page as of the day it was all recorded
        past = client.get(reverse("dashboard:home") + f"?as_of={today.date().isoformat()}").content.decode()

    panel = page[page.index('<section class="agreement-summary"') :]
    panel = panel[: panel.index("</section>")]
    assert "Statement &lt;on a complete ceasefire&gt; &amp; after</a></h2>" in panel
    assert "· 4 commitments tracked</p>" in panel
    slug = data.agreement.slug
    for flag in ("overdue", "disputed", "contested"):
        assert f'href="/commitments/?agreement={slug}&amp;{flag}=yes"' in panel
    assert '<dd>1</dd></div>\n    <div class="figure figure-disputed">' in panel  # one overdue: the route
    past_panel = past[past.index('<section class="agreement-summary"') :]
    past_panel = past_panel[: past_panel.index("</section>")]
    assert 'class="figure figure-overdue"><dt>Overdue</dt>' in past_panel and "?agreement=" not in past_panel


def test_the_timeline_table_says_how_each_deadline_was_met(client):
    karabakh_like()

    page = client.get(reverse("dashboard:home")).content.decode()
    table = page[page.index("<tbody>", page.index('id="timeline-heading"')) :]
    rows = {row.split("</a>")[0].rsplit(">", 1)[1]: row for row in table[: table.index("</tbody>")].split("<tr>")[1:]}

    assert "Met the extended deadline (10 days after the original)" in rows["Return of the Kalbajar district"]
    assert '<td data-label="Original deadline">same</td>' in rows["Return of the Aghdam district"]
    assert '<span class="flag flag-overdue">Overdue</span>' in rows["Plan for a new route along the Lachin corridor"]


def test_it_says_so_when_nothing_is_tracked_yet(client):
    response = client.get(reverse("dashboard:home"))

    assert response.status_code == 200
    assert response.context["agreements"] == []
    assert response.context["timeline"] is None


def test_a_commitment_violated_after_being_fulfilled_counts_as_violated(client):
    data = karabakh_like()
    add_status(data.aghdam, Status.VIOLATED, dt.date(2020, 12, 1), data.tass, "Troops moved back in.")

    [agreement] = client.get(reverse("dashboard:home")).context["agreements"]

    assert figures(agreement)["fulfilled"] == 1
    assert figures(agreement)["violated"] == 1


def test_the_home_page_lists_ten_overdue_commitments_and_links_to_all_of_them(client):
    import datetime as dt

    for _ in range(12):
        make_commitment(deadline=dt.date(2020, 11, 20))

    response = client.get("/")

    assert len(response.context["overdue_now"]) == 10
    assert response.context["overdue_total"] == 12
    assert "All 12 overdue commitments" in response.content.decode()
