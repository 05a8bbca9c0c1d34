"""Each public page names its Atom feed and deadline calendar in its head
(<link rel="alternate">), so feed readers and calendar apps find them from the page's address;
the links lead to working feeds and calendars."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import read_afresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(karabakh_like_loaded, db):
    """The data of karabakh_like(), built once for the module and read afresh for each test."""
    return read_afresh(karabakh_like_loaded)


class AlternateLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.in_head = self.in_head or tag == "head"
        if self.in_head and tag == "link" and attrs.get("rel") == "alternate":
            self.links.append((attrs["type"], attrs["href"]))

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def alternates(client, url) -> set[tuple[str, str]]:
    parser = AlternateLinks()
    parser.feed(client.get(url).content.decode())
    return set(parser.links)


ATOM, ICS = "application/atom+xml", "text/calendar"


def test_every_page_links_the_site_feed_and_calendar(client, data):
    for url in ["/", "/commitments/", "/sources/", f"/sources/{data.tass.pk}/", "/api/docs/", "/alerts/subscribe/"]:
        assert alternates(client, url) >= {(ATOM, "/feed.atom"), (ICS, "/commitments/deadlines.ics")}, url


def test_the_agreement_page_links_its_own_feed_and_calendar(client, data):
    links = alternates(client, data.agreement.get_absolute_url())

    assert links >= {(ATOM, "/agreements/statement-2020/feed.atom"), (ICS, "/agreements/statement-2020/deadlines.ics")}


def test_the_commitment_page_links_its_own_feed_and_its_agreements_calendar(client, data):
    links = alternates(client, data.kalbajar.get_absolute_url())

    assert links >= {
        (ATOM, f"/commitments/{data.kalbajar.pk}/feed.atom"),
        (ICS, "/agreements/statement-2020/deadlines.ics"),
    }


def test_the_filtered_list_links_the_calendar_of_the_same_filters(client, data):
    links = alternates(client, "/commitments/?overdue=yes&page=1")

    assert (ICS, "/commitments/deadlines.ics?overdue=yes") in links


def test_every_linked_feed_and_calendar_answers(client, data):
    pages = ["/", "/commitments/?overdue=yes", data.agreement.get_absolute_url(), data.kalbajar.get_absolute_url()]
    for href in {href for page in pages for _, href in alternates(client, page)}:
        assert client.get(href).status_code == 200, href


def test_the_footer_links_the_api_docs(client):
    response = client.get("/")

    assert reverse("api:docs") == "/api/docs/"
    assert b'href="/api/docs/"' in response.content
    assert client.get("/api/docs/").status_code == 200


def test_the_incident_pages_link_their_incident_feed_with_the_same_filters(client, data):
    assert (ATOM, "/incidents/feed.atom?verification=alleged") in alternates(
        client, "/incidents/?verification=alleged&page=1"
    )
    assert (ATOM, "/incidents/feed.atom?agreement=statement-2020") in alternates(
        client, "/agreements/statement-2020/incidents/"
    )
    assert (ATOM, "/incidents/feed.atom?agreement=statement-2020") in alternates(
        client, data.shelling.get_absolute_url()
    )
    assert (ATOM, "/incidents/feed.atom?agreement=statement-2020") in alternates(
        client, data.agreement.get_absolute_url()
    )
    for page in ["/incidents/", data.shelling.get_absolute_url()]:
        assert alternates(client, page) >= {(ATOM, "/feed.atom"), (ICS, "/commitments/deadlines.ics")}
        for _, href in alternates(client, page):
            assert client.get(href).status_code == 200, href
