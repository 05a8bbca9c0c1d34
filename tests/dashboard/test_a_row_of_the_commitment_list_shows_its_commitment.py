"""A row of the commitment list (dashboard.templatetags.display.commitment_row) shows the
commitment's title and category, its point and agreement, its responsible parties, its deadline
in force (or the kind of deadline it has), and its status with its flags and support, all escaped."""

import datetime as dt
import html

import pytest
from django.utils import formats

from tests.factories import karabakh_like

pytestmark = pytest.mark.django_db


def rows_by_title(client) -> dict[str, str]:
    page = client.get("/commitments/?sort=title").content.decode()
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    rows = body.split("<tr>")[1:]
    return {html.unescape(row.split("</a>")[0].rsplit(">", 1)[1]): row for row in rows}


def test_each_row_shows_its_commitment_and_escapes_what_monitors_wrote(client):
    data = karabakh_like()
    data.route.title = "Route <Lachin> & corridor"
    data.route.save()

    rows = rows_by_title(client)

    prisoners = rows["Exchange of prisoners and bodies"]
    assert f'href="{data.prisoners.get_absolute_url()}"' in prisoners
    assert html.escape(f"Point 8, {data.agreement}") in prisoners
    assert (
        html.escape(f"{data.azerbaijan}, {data.armenia}") in prisoners
        or html.escape(f"{data.armenia}, {data.azerbaijan}") in prisoners
    )
    assert 'class="status status-minimal"' in prisoners
    assert 'class="flag flag-disputed"' in prisoners and "flag-overdue" not in prisoners
    assert "support support-" in prisoners  # one source stands behind the assessment

    route = rows["Route <Lachin> & corridor"]
    assert "Route &lt;Lachin&gt; &amp; corridor" in route
    assert 'class="flag flag-overdue"' in route
    assert "support support-" not in route  # not assessed

    aghdam = rows["Return of the Aghdam district"]
    assert formats.date_format(dt.date(2020, 11, 20), "DATE_FORMAT") in aghdam
    assert 'class="status status-fulfilled"' in aghdam and "flag flag-" not in aghdam
