"""Menus of hundreds of parties or agreements read (slug, name) pairs instead of building a model
each (PartyQuerySet.menu(), AgreementQuerySet.menu()); each name is the one str() gives."""

import pytest

from commitments.models import Agreement, Party
from tests.factories import make_agreement, make_commitment, make_party

pytestmark = pytest.mark.django_db


def test_a_party_is_named_by_its_short_name_if_it_has_one():
    make_party("armenia", "Republic of Armenia", "Armenia")
    make_party("osce", "Organization for Security and Co-operation in Europe", "")

    assert Party.objects.menu() == [(party.slug, str(party)) for party in Party.objects.all()]
    assert dict(Party.objects.menu()) == {
        "armenia": "Armenia",
        "osce": "Organization for Security and Co-operation in Europe",
    }


def test_an_agreement_is_named_by_its_short_title_if_it_has_one():
    make_agreement("statement-2020", title="Statement of 10 November 2020", short_title="Ceasefire statement")
    make_agreement("moscow-2021", title="Statement of 11 January 2021")

    assert Agreement.objects.menu() == [(agreement.slug, str(agreement)) for agreement in Agreement.objects.all()]
    assert dict(Agreement.objects.menu())["moscow-2021"] == "Statement of 11 January 2021"


def test_the_list_offers_the_responsible_parties_and_every_agreement(client):
    armenia = make_party("armenia", "Republic of Armenia", "Armenia")
    make_party("idle", "A party responsible for nothing")
    make_commitment(parties=[armenia])

    form = client.get("/commitments/?party=armenia").context["filter"].form

    assert list(form.fields["party"].widget.choices) == [("", "All parties"), ("armenia", "Armenia")]
    assert [slug for slug, _name in form.fields["agreement"].widget.choices] == ["", "statement-2020"]
    assert '<option value="armenia" selected>Armenia</option>' in str(form["party"])
