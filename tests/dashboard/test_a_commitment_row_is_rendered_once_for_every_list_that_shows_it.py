"""A row of the commitment list is the same on every list that shows it (any filters, sort or page):
it is rendered once per data version, quarter hour and language and then taken from the cache
(dashboard.fragments). A change of the data renders it afresh; a signed-in monitor's list, which is
never cached, renders its rows each time."""

import datetime as dt

from django.test import RequestFactory

from dashboard import fragments
from dashboard.page_cache import page_state
from dashboard.templatetags.display import commitment_row
from tests.factories import make_commitment


def rendered_rows(request, commitments, renders):
    def render(commitment):
        renders.append(commitment.pk)
        return commitment_row(commitment, is_overdue=False)

    return fragments.render_fragments(request, "commitment_row", commitments, key=lambda c: c.pk, render=render)


def visitors_request(now):
    request = RequestFactory().get("/commitments/")
    page_state(request, now, "en")
    return request


def test_two_lists_showing_a_commitment_render_its_row_once(db):
    aghdam = make_commitment(title="Return of the Aghdam district", deadline=dt.date(2020, 11, 20))
    kalbajar = make_commitment(title="Return of the Kalbajar district", deadline=dt.date(2020, 11, 25))
    now, renders = dt.datetime(2021, 1, 5, 12, tzinfo=dt.UTC), []

    first = rendered_rows(visitors_request(now), [aghdam, kalbajar], renders)
    second = rendered_rows(visitors_request(now), [kalbajar], renders)

    assert renders == [aghdam.pk, kalbajar.pk]  # the second list took Kalbajar's row from the cache
    assert second == [first[1]] and "Return of the Kalbajar district" in second[0]


def test_a_change_of_the_data_renders_the_row_afresh(db):
    aghdam = make_commitment(title="Return of the Aghdam district", deadline=dt.date(2020, 11, 20))
    now, renders = dt.datetime(2021, 1, 5, 12, tzinfo=dt.UTC), []
    rendered_rows(visitors_request(now), [aghdam], renders)

    aghdam.title = "Return of the Aghdam district to Azerbaijan"
    aghdam.save()
    after = rendered_rows(visitors_request(now), [aghdam], renders)

    assert renders == [aghdam.pk, aghdam.pk] and "to Azerbaijan" in after[0]


def test_rows_of_a_page_that_is_not_cached_are_rendered_each_time(db):
    aghdam = make_commitment(deadline=dt.date(2020, 11, 20))
    renders = []

    rendered_rows(RequestFactory().get("/commitments/"), [aghdam], renders)
    rendered_rows(RequestFactory().get("/commitments/"), [aghdam], renders)

    assert renders == [aghdam.pk, aghdam.pk]
