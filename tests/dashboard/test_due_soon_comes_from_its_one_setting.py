""" "Due soon" looks as far ahead as settings.DUE_SOON_DAYS says, everywhere: the rule, the
list's filter, the home page and a commitment's page."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from commitments.models import Commitment
from tests.factories import make_commitment

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2020, 11, 10, 12, 0, tzinfo=dt.UTC)


@override_settings(DUE_SOON_DAYS=10)
def test_a_shorter_window_narrows_the_rule_the_filter_and_the_pages(client):
    in_a_week = make_commitment(deadline=dt.date(2020, 11, 17), title="In a week")
    in_three_weeks = make_commitment(deadline=dt.date(2020, 12, 1), title="In three weeks")

    with time_machine.travel(NOW, tick=False):
        assert list(Commitment.objects.due_soon(NOW)) == [in_a_week]
        assert in_a_week.is_due_soon(NOW) and not in_three_weeks.is_due_soon(NOW)
        listed = client.get(reverse("dashboard:commitment_list"), {"due_soon": "yes"})
        home = client.get(reverse("dashboard:home"))
        page = client.get(reverse("dashboard:commitment_detail", args=[in_a_week.pk]))

    assert [row[0] for row in listed.context["rows"]] == [in_a_week]
    assert "Due in the next 10 days" in listed.content.decode()
    assert home.context["due_soon"] == [in_a_week]
    assert "Due in the next 10 days" in home.content.decode()
    assert "Due within 10 days" in page.content.decode()
    for response in (listed, home, page):
        assert "30 days" not in response.content.decode()
