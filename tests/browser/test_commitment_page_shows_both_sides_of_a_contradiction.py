import pytest

from tests.factories import karabakh_like

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_the_prisoner_exchange_page_shows_lavrov_and_ayvazian_side_by_side_with_their_source(live_server, page):
    data = karabakh_like()

    page.goto(live_server.url + data.prisoners.get_absolute_url())

    claims = page.get_by_test_id("conflicting-claims").locator("article.claim")
    assert claims.count() == 2
    lavrov, ayvazian = claims.nth(0), claims.nth(1)
    assert "Russia" in lavrov.inner_text() and "Sergei Lavrov" in lavrov.inner_text()
    assert "There is progress in the exchange of prisoners of war and bodies of the dead" in lavrov.inner_text()
    assert "Says it is under way" in lavrov.inner_text()
    assert "Armenia" in ayvazian.inner_text() and "Ara Ayvazian" in ayvazian.inner_text()
    assert "has not yet begun" in ayvazian.inner_text()
    assert "Says it has not begun" in ayvazian.inner_text()
    for claim in (lavrov, ayvazian):
        assert claim.get_by_role("link", name="Azatutyun, Dec. 7, 2020").get_attribute("href") == (
            f"/sources/{data.azatutyun.pk}/"
        )
        assert claim.get_by_role("link", name="original").get_attribute("href") == data.azatutyun.url
    # Side by side on a desktop screen: the two cards share a row.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert lavrov.bounding_box()["y"] == ayvazian.bounding_box()["y"]
