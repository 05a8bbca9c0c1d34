"""The commitment list's menus of agreements and parties are read from the database once per
version of the data (and language), not on each afresh render of the list's thousands of URLs;
a write that adds a party to the menu shows in the next list rendered."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import karabakh_like, make_commitment, make_party

pytestmark = pytest.mark.django_db

# A menu reads each choice's slug and name, and nothing else (Party/AgreementQuerySet.menu).
MENU_COLUMNS = '"slug" AS "slug", COALESCE(NULLIF('


def menu_queries(client, url: str) -> tuple[list[str], str]:
    """Return the queries of a render of `url` that read a menu, and the page."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries if MENU_COLUMNS in q["sql"]], response.text


def party_menu(page: str) -> list[str]:
    menu = re.search(r'<select name="party"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', menu)


def test_a_second_list_reads_no_menu_and_a_write_shows_in_the_next_one(client):
    karabakh_like()

    first, page = menu_queries(client, "/commitments/")
    assert len(first) == 2  # the agreements and the parties
    assert party_menu(page) == ["", "armenia", "azerbaijan"]

    # Another list (another URL, so not the cached page): the same menus, not read again.
    again, page = menu_queries(client, "/commitments/?status=fulfilled")
    assert again == []
    assert party_menu(page) == ["", "armenia", "azerbaijan"]

    # A write moves the data version: the next list reads the menus again and offers the new party.
    make_commitment(parties=[make_party("russia", "Russian Federation", "Russia")], title="Peacekeepers")
    after, page = menu_queries(client, "/commitments/?status=not_started")
    assert len(after) == 2
    assert party_menu(page) == ["", "armenia", "azerbaijan", "russia"]


def test_a_monitors_list_reads_its_menus_afresh(client, django_user_model):
    karabakh_like()
    client.force_login(django_user_model.objects.create_user("monitor", is_staff=True))

    assert len(menu_queries(client, "/commitments/")[0]) == 2
    assert len(menu_queries(client, "/commitments/?status=fulfilled")[0]) == 2
