import pytest

from tests.factories import karabakh_like

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_it_shows_how_many_commitments_are_overdue(live_server, page):
    data = karabakh_like()  # only the route plan (due 10 Nov 2023, never assessed) is overdue

    page.goto(live_server.url + "/")

    assert page.get_by_test_id("overdue-count").inner_text() == "1"
    assert page.get_by_role("heading", name="Overdue now").is_visible()
    overdue_list = page.locator("section[aria-labelledby=overdue-heading]")
    assert overdue_list.get_by_role("link", name=data.route.title).is_visible()
