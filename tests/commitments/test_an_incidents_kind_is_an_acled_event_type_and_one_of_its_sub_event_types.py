"""The incident taxonomy is ACLED's: six event types, each with its own sub-event types; a sub-event
type of another event type is refused with the ones that fit."""

import pytest
from django.core.exceptions import ValidationError

from commitments.acled import SUB_EVENT_TYPES, EventType, SubEventType, disorder_type, sub_event_type_fits
from commitments.models import Incident
from tests.factories import add_incident

pytestmark = pytest.mark.django_db


def test_every_sub_event_type_belongs_to_exactly_one_event_type():
    listed = [sub for subs in SUB_EVENT_TYPES.values() for sub in subs]

    assert sorted(listed) == sorted(SubEventType.values)
    assert set(SUB_EVENT_TYPES) == set(EventType.values)
    assert len(listed) == 25


def test_acleds_pairs_fit_and_others_do_not():
    assert sub_event_type_fits(EventType.BATTLES, SubEventType.GOVERNMENT_REGAINS_TERRITORY)
    assert sub_event_type_fits(EventType.EXPLOSIONS_REMOTE_VIOLENCE, SubEventType.REMOTE_EXPLOSIVE_LANDMINE_IED)
    assert sub_event_type_fits(EventType.STRATEGIC_DEVELOPMENTS, SubEventType.NON_VIOLENT_TRANSFER_OF_TERRITORY)
    assert not sub_event_type_fits(EventType.BATTLES, SubEventType.AIR_DRONE_STRIKE)
    assert not sub_event_type_fits(EventType.PROTESTS, SubEventType.MOB_VIOLENCE)


def test_a_sub_event_type_of_another_event_type_is_refused_naming_the_ones_that_fit():
    with pytest.raises(ValidationError) as refused:
        add_incident(event_type=EventType.BATTLES, sub_event_type=SubEventType.SHELLING_ARTILLERY_MISSILE_ATTACK)

    message = refused.value.message_dict["sub_event_type"][0]
    assert "is not a kind of “Battles”" in message
    assert "Armed clash, Government regains territory, Non-state actor overtakes territory" in message
    assert Incident.objects.count() == 0


def test_the_disorder_type_follows_acled():
    assert disorder_type(EventType.BATTLES, SubEventType.ARMED_CLASH) == "Political violence"
    assert disorder_type(EventType.PROTESTS, SubEventType.PEACEFUL_PROTEST) == "Demonstrations"
    assert (
        disorder_type(EventType.PROTESTS, SubEventType.EXCESSIVE_FORCE_AGAINST_PROTESTERS)
        == "Political violence; Demonstrations"
    )
    assert disorder_type(EventType.RIOTS, SubEventType.MOB_VIOLENCE) == "Political violence"
    assert disorder_type(EventType.RIOTS, SubEventType.VIOLENT_DEMONSTRATION) == "Demonstrations"
    assert disorder_type(EventType.STRATEGIC_DEVELOPMENTS, SubEventType.OTHER) == "Strategic developments"
