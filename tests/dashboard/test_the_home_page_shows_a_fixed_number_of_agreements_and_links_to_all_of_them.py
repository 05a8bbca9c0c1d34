"""With many agreements, the home page draws a panel for the few that most need attention and
links to the list of all of them; with few, it shows them all and no link."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from commitments.models import Agreement
from dashboard.views import HOME_AGREEMENT_LIMIT
from tests.conftest import utc
from tests.factories import make_agreement, make_commitment, make_provision

pytestmark = pytest.mark.django_db


def make_agreements(count: int) -> list[Agreement]:
    """`count` agreements; the last one has an overdue commitment."""
    agreements = [make_agreement(f"agreement-{n:02}", title=f"Agreement {n:02}") for n in range(count)]
    make_commitment(make_provision(agreements[-1], "1"), deadline=dt.date(2021, 3, 1))
    return agreements


@time_machine.travel(utc(2024, 1, 15, 12, 0), tick=False)
def test_only_the_agreements_that_matter_get_a_panel_with_a_link_to_all(client):
    agreements = make_agreements(HOME_AGREEMENT_LIMIT + 3)

    response = client.get(reverse("dashboard:home"))

    shown = response.context["agreements"]
    assert len(shown) == HOME_AGREEMENT_LIMIT
    assert shown[0] == agreements[-1]  # the one with an overdue commitment, though signed the same day
    assert response.context["agreement_total"] == HOME_AGREEMENT_LIMIT + 3
    assert response.context["overdue_total"] == 1
    link = f'href="{reverse("dashboard:agreement_list")}"'
    assert link in response.content.decode()
    assert f"All {HOME_AGREEMENT_LIMIT + 3} agreements" in response.content.decode()


@time_machine.travel(utc(2024, 1, 15, 12, 0), tick=False)
def test_the_overdue_figure_counts_the_agreements_without_a_panel_too(client):
    agreements = [
        make_agreement(f"agreement-{n:02}", title=f"Agreement {n:02}") for n in range(HOME_AGREEMENT_LIMIT + 1)
    ]
    for agreement in agreements:
        make_commitment(make_provision(agreement, "1"), deadline=dt.date(2021, 3, 1))

    response = client.get(reverse("dashboard:home"))

    assert len(response.context["agreements"]) == HOME_AGREEMENT_LIMIT
    assert response.context["overdue_total"] == HOME_AGREEMENT_LIMIT + 1


def test_a_few_agreements_are_all_shown_without_the_link(client):
    agreements = make_agreements(3)

    response = client.get(reverse("dashboard:home"))

    assert len(response.context["agreements"]) == 3
    assert set(response.context["agreements"]) == set(agreements)
    assert f'href="{reverse("dashboard:agreement_list")}"' not in response.content.decode()


def test_exactly_the_limit_of_agreements_are_all_shown_without_the_link(client):
    make_agreements(HOME_AGREEMENT_LIMIT)

    response = client.get(reverse("dashboard:home"))

    assert len(response.context["agreements"]) == response.context["agreement_total"] == HOME_AGREEMENT_LIMIT
    assert f'href="{reverse("dashboard:agreement_list")}"' not in response.content.decode()
