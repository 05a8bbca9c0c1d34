"""The incident taxonomy and codes of ACLED (the Armed Conflict Location & Event Data project),
which the incident log follows so that researchers can merge our incidents with ACLED's data.

Event types and their sub-event types, the disorder type each implies, and the time- and
geo-precision codes, as ACLED's codebook defines them. Values are stable identifiers; labels
are ACLED's own wording, which the ACLED-layout export writes (opendata/exports.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    BATTLES = "battles", "Battles"
    EXPLOSIONS_REMOTE_VIOLENCE = "explosions_remote_violence", "Explosions/Remote violence"
    VIOLENCE_AGAINST_CIVILIANS = "violence_against_civilians", "Violence against civilians"
    PROTESTS = "protests", "Protests"
    RIOTS = "riots", "Riots"
    STRATEGIC_DEVELOPMENTS = "strategic_developments", "Strategic developments"


class SubEventType(models.TextChoices):
    # Battles
    ARMED_CLASH = "armed_clash", "Armed clash"
    GOVERNMENT_REGAINS_TERRITORY = "government_regains_territory", "Government regains territory"
    NON_STATE_ACTOR_OVERTAKES_TERRITORY = "non_state_actor_overtakes_territory", "Non-state actor overtakes territory"
    # Explosions/Remote violence
    CHEMICAL_WEAPON = "chemical_weapon", "Chemical weapon"
    AIR_DRONE_STRIKE = "air_drone_strike", "Air/drone strike"
    SUICIDE_BOMB = "suicide_bomb", "Suicide bomb"
    SHELLING_ARTILLERY_MISSILE_ATTACK = "shelling_artillery_missile_attack", "Shelling/artillery/missile attack"
    REMOTE_EXPLOSIVE_LANDMINE_IED = "remote_explosive_landmine_ied", "Remote explosive/landmine/IED"
    GRENADE = "grenade", "Grenade"
    # Violence against civilians
    SEXUAL_VIOLENCE = "sexual_violence", "Sexual violence"
    ATTACK = "attack", "Attack"
    ABDUCTION_FORCED_DISAPPEARANCE = "abduction_forced_disappearance", "Abduction/forced disappearance"
    # Protests
    PEACEFUL_PROTEST = "peaceful_protest", "Peaceful protest"
    PROTEST_WITH_INTERVENTION = "protest_with_intervention", "Protest with intervention"
    EXCESSIVE_FORCE_AGAINST_PROTESTERS = "excessive_force_against_protesters", "Excessive force against protesters"
    # Riots
    VIOLENT_DEMONSTRATION = "violent_demonstration", "Violent demonstration"
    MOB_VIOLENCE = "mob_violence", "Mob violence"
    # Strategic developments
    AGREEMENT = "agreement", "Agreement"
    ARRESTS = "arrests", "Arrests"
    CHANGE_TO_GROUP_ACTIVITY = "change_to_group_activity", "Change to group/activity"
    DISRUPTED_WEAPONS_USE = "disrupted_weapons_use", "Disrupted weapons use"
    HEADQUARTERS_OR_BASE_ESTABLISHED = "headquarters_or_base_established", "Headquarters or base established"
    LOOTING_PROPERTY_DESTRUCTION = "looting_property_destruction", "Looting/property destruction"
    NON_VIOLENT_TRANSFER_OF_TERRITORY = "non_violent_transfer_of_territory", "Non-violent transfer of territory"
    OTHER = "other", "Other"


# Which sub-event types belong to which event type: the one place the pairing is stated.
SUB_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    EventType.BATTLES: (
        SubEventType.ARMED_CLASH,
        SubEventType.GOVERNMENT_REGAINS_TERRITORY,
        SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
    ),
    EventType.EXPLOSIONS_REMOTE_VIOLENCE: (
        SubEventType.CHEMICAL_WEAPON,
        SubEventType.AIR_DRONE_STRIKE,
        SubEventType.SUICIDE_BOMB,
        SubEventType.SHELLING_ARTILLERY_MISSILE_ATTACK,
        SubEventType.REMOTE_EXPLOSIVE_LANDMINE_IED,
        SubEventType.GRENADE,
    ),
    EventType.VIOLENCE_AGAINST_CIVILIANS: (
        SubEventType.SEXUAL_VIOLENCE,
        SubEventType.ATTACK,
        SubEventType.ABDUCTION_FORCED_DISAPPEARANCE,
    ),
    EventType.PROTESTS: (
        SubEventType.PEACEFUL_PROTEST,
        SubEventType.PROTEST_WITH_INTERVENTION,
        SubEventType.EXCESSIVE_FORCE_AGAINST_PROTESTERS,
    ),
    EventType.RIOTS: (SubEventType.VIOLENT_DEMONSTRATION, SubEventType.MOB_VIOLENCE),
    EventType.STRATEGIC_DEVELOPMENTS: (
        SubEventType.AGREEMENT,
        SubEventType.ARRESTS,
        SubEventType.CHANGE_TO_GROUP_ACTIVITY,
        SubEventType.DISRUPTED_WEAPONS_USE,
        SubEventType.HEADQUARTERS_OR_BASE_ESTABLISHED,
        SubEventType.LOOTING_PROPERTY_DESTRUCTION,
        SubEventType.NON_VIOLENT_TRANSFER_OF_TERRITORY,
        SubEventType.OTHER,
    ),
}
EVENT_TYPE_OF: dict[str, str] = {sub: event for event, subs in SUB_EVENT_TYPES.items() for sub in subs}


def sub_event_type_fits(event_type: str, sub_event_type: str) -> bool:
    """Return True if `sub_event_type` is one of `event_type`'s sub-event types."""
    return EVENT_TYPE_OF.get(sub_event_type) == event_type


# ACLED's disorder types (its 2023 column): political violence, demonstrations, or both for
# excessive force against protesters; mob violence is political violence, a violent
# demonstration a demonstration.
POLITICAL_VIOLENCE, DEMONSTRATIONS, STRATEGIC = "Political violence", "Demonstrations", "Strategic developments"


def disorder_type(event_type: str, sub_event_type: str) -> str:
    """Return ACLED's disorder type of an event of this type and sub-event type."""
    if sub_event_type == SubEventType.EXCESSIVE_FORCE_AGAINST_PROTESTERS:
        return f"{POLITICAL_VIOLENCE}; {DEMONSTRATIONS}"
    if sub_event_type == SubEventType.MOB_VIOLENCE:
        return POLITICAL_VIOLENCE
    if event_type in (EventType.PROTESTS, EventType.RIOTS):
        return DEMONSTRATIONS
    if event_type == EventType.STRATEGIC_DEVELOPMENTS:
        return STRATEGIC
    return POLITICAL_VIOLENCE


class TimePrecision(models.IntegerChoices):
    """ACLED's time precision: how precisely the sources date the event."""

    DAY = 1, _("The actual date")
    WEEK = 2, _("A specific week")
    MONTH = 3, _("A month")


class GeoPrecision(models.IntegerChoices):
    """ACLED's geo-precision: how precisely the sources place the event."""

    EXACT = 1, _("The exact place")
    NEARBY = 2, _("A nearby place, or part of a region")
    REGION = 3, _("A larger region")
