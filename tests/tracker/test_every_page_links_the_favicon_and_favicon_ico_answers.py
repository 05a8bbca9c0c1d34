"""The site's icon (an SVG, with a PNG/ICO fallback) is linked in the head of every page, the
admin's included, and /favicon.ico answers, so browsers stop logging a 404 on every page."""

import pytest

from tests.factories import karabakh_like

pytestmark = pytest.mark.django_db


def test_favicon_ico_answers_with_an_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert "max-age=86400" in response["Cache-Control"]


@pytest.mark.parametrize(
    "path", ["/", "/commitments/", "/sources/", "/alerts/subscribe/", "/no-such-page/", "/admin/login/"]
)
def test_pages_link_the_svg_icon_and_its_fallback(client, path):
    karabakh_like()

    page = client.get(path).content.decode()

    assert 'rel="icon" href="/static/tracker/favicon.svg" type="image/svg+xml"' in page
    assert 'rel="icon" href="/static/tracker/favicon.ico"' in page
    assert 'rel="apple-touch-icon" href="/static/tracker/apple-touch-icon.png"' in page


def test_the_linked_icons_are_served(client):
    for name in ["favicon.svg", "favicon.ico", "apple-touch-icon.png"]:
        response = client.get(f"/static/tracker/{name}")
        assert response.status_code == 200, name
        b"".join(response.streaming_content)
