import pytest

from tests.factories import karabakh_like

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_choosing_a_category_narrows_the_list_and_keeps_the_filter_in_the_url(live_server, page):
    karabakh_like()
    page.goto(live_server.url + "/commitments/")
    assert page.get_by_test_id("result-count").inner_text() == "4 commitments"

    page.get_by_label("Category").select_option(label="Territorial handover")
    page.get_by_role("button", name="Apply filters").click()

    assert page.get_by_test_id("result-count").inner_text() == "2 commitments"
    assert "category=territorial_handover" in page.url
    rows = page.locator("table.commitment-table tbody tr")
    assert sorted(rows.locator("th a").all_inner_texts()) == [
        "Return of the Aghdam district",
        "Return of the Kalbajar district",
    ]


def test_an_invalid_filter_value_shows_a_message_not_an_error(live_server, page):
    karabakh_like()

    response = page.goto(live_server.url + "/commitments/?status=nonsense&deadline_from=31.02.2020")

    assert response.status == 200
    alert = page.get_by_role("alert")
    assert "Some filters could not be applied" in alert.inner_text()
    assert "Deadline from" in alert.inner_text()
