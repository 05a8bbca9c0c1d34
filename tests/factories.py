"""Builders of test data: plain objects.create() with keyword arguments and defaults. No seed data is read.

The defaults describe the 2020 trilateral statement, which counts in Moscow time: a commitment
made with no arguments is Armenia's return of the Kalbajar district, due 25 Nov 2020, in point 6.
Parties, agreements and provisions are looked up by their natural key (slug, or agreement and
number) before one is created, so that every `make_commitment()` in a test shares one statement
and one Armenia; everything else is always a new row.
"""

import datetime as dt
import io
import itertools
from collections.abc import Iterable
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model

from alerts.models import MonitorSubscription, Subscriber
from commitments.acled import EventType, GeoPrecision, SubEventType
from commitments.models import (
    Agreement,
    AgreementEvent,
    AgreementLink,
    AgreementText,
    CasualtyReport,
    Claim,
    Commitment,
    DeadlineChange,
    Evidence,
    Incident,
    IncidentEvidence,
    Party,
    Provision,
    PublishedVia,
    ReviewState,
    Source,
    SourceCheck,
    SourceSnapshot,
    Speaker,
    Status,
    StatusUpdate,
    VersionDeadline,
)
from commitments.snapshots import store_snapshot

MOSCOW_ENTRY_INTO_FORCE = dt.datetime(2020, 11, 9, 21, 0, tzinfo=dt.UTC)  # 00:00 MSK, 10 Nov 2020
# 25 Nov 2020, the default commitment's deadline, ends in Moscow time at 21:00 UTC.
KALBAJAR_ENDS_AT = dt.datetime(2020, 11, 25, 21, 0, tzinfo=dt.UTC)

_sequence = itertools.count(1)

# Entries built here are published (as if a second monitor had reviewed them) unless a test passes
# review_state=ReviewState.DRAFT: most tests are about what the public sees.
PUBLISHED = {"review_state": ReviewState.PUBLISHED, "published_via": PublishedVia.REVIEW}


def make_party(
    slug: str = "armenia", name: str = "Republic of Armenia", short_name: str = "", kind: str = Party.Kind.STATE
) -> Party:
    """Return the party with this slug, creating it with these fields if there is none."""
    return Party.objects.get_or_create(slug=slug, defaults={"name": name, "short_name": short_name, "kind": kind})[0]


def make_agreement(
    slug: str = "statement-2020",
    *,
    signatories: Iterable[Party] = (),
    time_zone: str = "Europe/Moscow",
    **fields,
) -> Agreement:
    """Return the agreement with this slug, creating it with these fields (and signatories) if there is none."""
    defaults = {
        "title": "Trilateral statement of 10 Nov 2020",
        "signed_on": dt.date(2020, 11, 9),
        "entry_into_force": MOSCOW_ENTRY_INTO_FORCE,
    }
    agreement, created = Agreement.objects.get_or_create(
        slug=slug, defaults={**defaults, "time_zone": time_zone, **fields}
    )
    if created:
        agreement.signatories.set(signatories)
    return agreement


def make_provision(agreement: Agreement, number: str, text: str = "", **fields) -> Provision:
    """Return the agreement's point with this number, creating it (ordered by its digits) if there is none."""
    defaults = {"position": int("".join(filter(str.isdigit, number)) or 0), "text": text or f"Text of point {number}."}
    return Provision.objects.get_or_create(agreement=agreement, number=number, defaults={**defaults, **fields})[0]


def make_commitment(
    provision: Provision | None = None,
    *,
    parties: Iterable[Party] | None = None,
    title: str = "Return of the Kalbajar district",
    code: str = "",
    description: str = "",
    deadline: dt.date | None = dt.date(2020, 11, 25),
    deadline_kind: str | None = None,
    category: str = Commitment.Category.TERRITORIAL_HANDOVER,
    **fields,
) -> Commitment:
    """Return a new commitment in `provision` (default: point 6 of the statement), responsible Armenia
    unless `parties` are given. The deadline kind is "date" if there is a `deadline`, else "none",
    unless given; `deadline` is used only by the kind "date"."""
    deadline_kind = deadline_kind or (Commitment.DeadlineKind.DATE if deadline else Commitment.DeadlineKind.NONE)
    commitment = Commitment.objects.create(
        provision=provision or make_provision(make_agreement(), "6"),
        code=code or f"commitment-{next(_sequence)}",
        title=title,
        description=description or f"{title}, as the text requires.",
        category=category,
        deadline_kind=deadline_kind,
        deadline_date=deadline if deadline_kind == Commitment.DeadlineKind.DATE else None,
        **fields,
    )
    commitment.responsible_parties.set(parties if parties is not None else [make_party()])
    return commitment


def make_source(
    publisher: str = "Azatutyun",
    title: str = "Report on the ceasefire",
    published_on: dt.date = dt.date(2020, 12, 7),
    *,
    kind: str = Source.Kind.NEWS_REPORT,
    language: str = "en",
    **fields,
) -> Source:
    return Source.objects.create(
        publisher=publisher, title=title, published_on=published_on, kind=kind, language=language, **fields
    )


def make_snapshot(
    source: Source,
    content: bytes = b"<!DOCTYPE html><html><body><p>The article.</p></body></html>",
    name: str = "page.html",
    captured_at: dt.datetime = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC),
    **fields,
) -> SourceSnapshot:
    """Store `content` as a copy of `source` (through the snapshot storage: use the snapshot_storage fixture)."""
    return store_snapshot(source, io.BytesIO(content), name=name, captured_at=captured_at, now=captured_at, **fields)


def add_link_check(
    source: Source,
    outcome: str = SourceCheck.Outcome.REACHABLE,
    checked_at: dt.datetime = dt.datetime(2026, 11, 30, 3, 30, tzinfo=dt.UTC),
    link: str = SourceCheck.Link.URL,
    **fields,
) -> SourceCheck:
    """Record a check of the source's link (its current address unless `url` is given)."""
    fields = {"url": source.link_address(link), **fields}
    if outcome == SourceCheck.Outcome.GONE:
        fields.setdefault("status_code", 404)
    else:
        fields.setdefault("status_code", 200)
    return SourceCheck.objects.create(source=source, link=link, outcome=outcome, checked_at=checked_at, **fields)


def make_speaker(name: str = "Spokesperson", role: str = "", party: Party | None = None) -> Speaker:
    """Return the speaker with this name and role for `party` (default: Armenia), creating it if there is none."""
    return Speaker.objects.get_or_create(name=name, role=role, party=party or make_party())[0]


def add_status(
    commitment: Commitment,
    status: str,
    as_of: dt.date,
    source: Source | None = None,
    quote: str = "Quoted passage.",
    summary: str = "",
    *,
    evidence: Iterable[Evidence] = (),
    **fields,
) -> StatusUpdate:
    """Record an assessment with its evidence (one quoted passage from `source`, a new source unless
    one is given, or the `evidence` given), then refresh `commitment` so that its current status
    and fulfilment date show it. The date is as precise as the sources unless as_of_precision is given.
    Published, unless review_state says otherwise."""
    evidence = list(evidence) or [Evidence(source=source or make_source(), quote=quote)]
    update = StatusUpdate.objects.record(
        commitment=commitment,
        status=status,
        as_of=as_of,
        summary=summary or f"Assessed {status}.",
        evidence=evidence,
        **{"as_of_precision": None, **PUBLISHED, **fields},
    )
    commitment.refresh_from_db()
    return update


def add_claim(
    commitment: Commitment,
    party: Party,
    speaker: str | Speaker = "Spokesperson",
    stated_on: dt.date = dt.date(2020, 12, 7),
    position: str = Claim.Position.UNDER_WAY,
    source: Source | None = None,
    quote: str = "What was said.",
    summary: str = "",
    **fields,
) -> Claim:
    """Record what a party's speaker said about a commitment (from a new source unless one is given).
    `speaker` is a Speaker or "Name, office", a speaker of `party`. Published, unless review_state says otherwise."""
    if not isinstance(speaker, Speaker):
        speaker = make_speaker(*Speaker.split(speaker), party=party)
    return Claim.objects.create(
        commitment=commitment,
        party=party,
        speaker=speaker,
        stated_on=stated_on,
        position=position,
        summary=summary or quote,
        source=source or make_source(),
        quote=quote,
        **{**PUBLISHED, **fields},
    )


def add_deadline_change(
    commitment: Commitment,
    new_deadline: dt.date,
    decided_on: dt.date,
    source: Source | None = None,
    *,
    agreed_by: Iterable[Party] = (),
    reason: str = "Agreed extension.",
    **fields,
) -> DeadlineChange:
    """Record a change of deadline (from a new source unless one is given), then refresh `commitment`.
    Published, unless review_state says otherwise."""
    change = DeadlineChange.objects.create(
        commitment=commitment,
        new_deadline=new_deadline,
        decided_on=decided_on,
        reason=reason,
        source=source or make_source(),
        **{**PUBLISHED, **fields},
    )
    change.agreed_by.set(agreed_by)
    commitment.refresh_from_db()
    return change


def add_incident(
    agreement: Agreement | None = None,
    occurred_on: dt.date = dt.date(2020, 12, 1),
    source: Source | None = None,
    quote: str = "Reported passage.",
    *,
    event_type: str = EventType.BATTLES,
    sub_event_type: str = SubEventType.ARMED_CLASH,
    location: str = "Lachin corridor",
    country: str = "Azerbaijan",
    geo_precision: int = GeoPrecision.NEARBY,
    summary: str = "",
    evidence: Iterable[IncidentEvidence] = (),
    commitments: Iterable[Commitment] = (),
    casualty_reports: Iterable[CasualtyReport] = (),
    assoc_actors_1: Iterable[Party] = (),
    assoc_actors_2: Iterable[Party] = (),
    **fields,
) -> Incident:
    """Record an incident of `agreement` (default: the statement) with its evidence (one quoted passage
    from `source`, a new source unless one is given, or the `evidence` given), bearing on `commitments`.
    Published, unless review_state says otherwise."""
    evidence = list(evidence) or [IncidentEvidence(source=source or make_source(), quote=quote)]
    incident = Incident(
        agreement=agreement or make_agreement(),
        occurred_on=occurred_on,
        event_type=event_type,
        sub_event_type=sub_event_type,
        location=location,
        country=country,
        geo_precision=geo_precision,
        summary=summary or f"{SubEventType(sub_event_type).label} at {location}.",
        **{**PUBLISHED, **fields},
    )
    return incident.record(
        evidence,
        commitments=commitments,
        casualty_reports=casualty_reports,
        assoc_actors_1=assoc_actors_1,
        assoc_actors_2=assoc_actors_2,
    )


def casualties(
    kind: str = CasualtyReport.Kind.FATALITIES,
    minimum: int | None = None,
    maximum: int | None = None,
    source: Source | None = None,
    group: str = CasualtyReport.Group.ALL,
    **fields,
) -> CasualtyReport:
    """Return an unsaved casualty report (add_incident saves it with its incident)."""
    return CasualtyReport(
        kind=kind, group=group, minimum=minimum, maximum=maximum, source=source or make_source(), **fields
    )


def make_event(
    agreement: Agreement | None = None,
    code: str = "first-meeting",
    name: str = "the working group's first meeting",
    occurred_on: dt.date | None = None,
    source: Source | None = None,
    **fields,
) -> AgreementEvent:
    """Return an event of `agreement` (default: the statement) that deadlines can count from; held on
    `occurred_on` (with a new source published that day unless one is given) or not yet held."""
    if occurred_on is not None and source is None:
        source = make_source("Massis Post", "The working group's first meeting", occurred_on)
    return AgreementEvent.objects.create(
        agreement=agreement or make_agreement(), code=code, name=name, occurred_on=occurred_on, source=source, **fields
    )


def make_relative_commitment(
    event: AgreementEvent, months: int | None = 1, days: int | None = None, **fields
) -> Commitment:
    """Return a commitment due a period after `event` (one month by default), in point 3 of the event's agreement."""
    return make_commitment(
        make_provision(event.agreement, "3"),
        title=fields.pop("title", "The expert subgroups' lists of projects"),
        deadline=None,
        deadline_kind=Commitment.DeadlineKind.AFTER_EVENT,
        deadline_event=event,
        period_months=months,
        period_days=days,
        **fields,
    )


def add_version_deadline(
    commitment: Commitment, text: AgreementText, wording: str, deadline: dt.date
) -> VersionDeadline:
    return VersionDeadline.objects.create(commitment=commitment, text=text, wording=wording, deadline_date=deadline)


def make_meeting_worded_two_ways() -> Commitment:
    """Return a first meeting due 30 Jan 2021 whose deadline two published texts word differently:
    the quoted one (Aravot) "by January 30, 2021", the presidency's "before 30 January 2021"."""
    agreement = make_agreement()
    quoted = AgreementText.objects.create(
        agreement=agreement, label="Aravot", publisher="Aravot", language="en", is_quoted=True
    )
    other = AgreementText.objects.create(
        agreement=agreement, label="Presidency", publisher="the Azerbaijani presidency", language="en"
    )
    meeting = make_commitment(title="First meeting", deadline=dt.date(2021, 1, 30))
    add_version_deadline(meeting, quoted, "by January 30, 2021", dt.date(2021, 1, 30))
    add_version_deadline(meeting, other, "before 30 January 2021", dt.date(2021, 1, 29))
    return meeting


def add_link(
    from_agreement: Agreement,
    to_agreement: Agreement,
    kind: str = AgreementLink.Kind.IMPLEMENTS,
    *,
    provisions: Iterable[Provision] = (),
    by_provisions: Iterable[Provision] = (),
) -> AgreementLink:
    link = AgreementLink.objects.create(from_agreement=from_agreement, to_agreement=to_agreement, kind=kind)
    link.provisions.set(provisions)
    link.by_provisions.set(by_provisions)
    return link


def make_subscriber(
    email: str = "reader@example.org",
    *,
    agreements: Iterable[Agreement] = (),
    parties: Iterable[Party] = (),
    categories: Iterable[str] = (),
) -> Subscriber:
    """Return a confirmed subscriber; one who chose nothing follows everything."""
    subscriber = Subscriber.objects.create(
        email=email, confirmed_at=dt.datetime(2020, 11, 1, tzinfo=dt.UTC), categories=list(categories)
    )
    subscriber.agreements.set(agreements)
    subscriber.parties.set(parties)
    return subscriber


def make_monitor(username: str = "monitor", *, agreement: Agreement | None = None, **fields) -> AbstractBaseUser:
    """Return a staff user at username@tracker.example, assigned to `agreement` (default: the
    statement) and opted in to its alerts. Not in the Monitors group."""
    fields = {"email": f"{username}@tracker.example", "is_staff": True, **fields}
    user = get_user_model().objects.create_user(username=username, password="x", **fields)
    agreement = agreement or make_agreement()
    agreement.monitors.add(user)  # a monitor gets alerts only about agreements they may see
    MonitorSubscription.objects.create(user=user, agreement=agreement)
    return user


SEEDS = ["seeds/karabakh-2020.yaml", "seeds/moscow-2021-statement.yaml", "seeds/israel-lebanon-2024.yaml"]


def loaded_once_per_module(django_db_blocker, load):
    """Run `load()` once for a test module, inside a transaction that every test of the module runs
    within (each test's own transaction rolls back to it) and that is rolled back after the last
    one. For data that takes seconds to load and that the module's tests only read or change
    inside their own transaction: the shipped seeds. Yields what `load()` returns."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield load()
        transaction.set_rollback(True)


def read_afresh(built: SimpleNamespace) -> SimpleNamespace:
    """Return `built` with each model instance in it read again from the database. For data built
    once per module (loaded_once_per_module): an instance a test changed would keep the change for
    the next test, although the database rolled it back."""
    return SimpleNamespace(
        **{
            name: type(value)._base_manager.get(pk=value.pk) if isinstance(value, Model) else value
            for name, value in vars(built).items()
        }
    )


def load_all_seeds() -> None:
    """Load the shipped seed files in the order their links need (for the seed tests only)."""
    from django.conf import settings

    from commitments.seeding import load_agreement_file, load_order

    for path in load_order([str(settings.BASE_DIR / name) for name in SEEDS]):
        load_agreement_file(path)


def karabakh_like() -> SimpleNamespace:
    """Return a small data set shaped like the 2020 statement: handovers met, one extended, one
    overdue, and the 7 Dec 2020 prisoner-exchange contradiction between Lavrov and Ayvazian."""
    azerbaijan = make_party("azerbaijan", "Republic of Azerbaijan", "Azerbaijan")
    armenia = make_party("armenia", "Republic of Armenia", "Armenia")
    russia = make_party("russia", "Russian Federation", "Russia")
    agreement = make_agreement(
        signatories=[azerbaijan, armenia, russia],
        title="Statement on a complete ceasefire",
        short_title="Ceasefire statement",
    )
    AgreementText.objects.create(
        agreement=agreement,
        label="Kremlin website, English",
        publisher="Kremlin",
        language="en",
        url="http://en.kremlin.ru/events/president/news/64384",
        is_quoted=True,
    )
    AgreementText.objects.create(
        agreement=agreement,
        label="Other published texts",
        publisher="Various",
        language="en",
        notes="Some add the territories held in the Gazakh district to point 2.",
    )
    point2 = make_provision(
        agreement,
        "2",
        "The Aghdam district shall be returned by 20 November 2020.",
        text_variants="Some versions add the Gazakh district.",
    )
    point6 = make_provision(agreement, "6", "The Kalbajar district shall be returned by 15 November 2020.")
    point8 = make_provision(agreement, "8", "An exchange of prisoners of war, hostages and bodies shall take place.")
    aghdam = make_commitment(
        point2,
        parties=[armenia],
        title="Return of the Aghdam district",
        code="aghdam-handover",
        deadline=dt.date(2020, 11, 20),
    )
    kalbajar = make_commitment(
        point6,
        parties=[armenia],
        title="Return of the Kalbajar district",
        code="kalbajar-handover",
        deadline=dt.date(2020, 11, 15),
    )
    route = make_commitment(
        point6,
        parties=[azerbaijan, armenia],
        title="Plan for a new route along the Lachin corridor",
        code="route-plan",
        category=Commitment.Category.TRANSPORT_ECONOMIC,
        deadline_kind=Commitment.DeadlineKind.PERIOD,
        period_months=36,
    )
    prisoners = make_commitment(
        point8,
        parties=[azerbaijan, armenia],
        title="Exchange of prisoners and bodies",
        code="prisoner-exchange",
        category=Commitment.Category.PRISONERS_REMAINS,
        deadline_kind=Commitment.DeadlineKind.NONE,
    )
    al_jazeera = make_source("Al Jazeera", "Azerbaijan takes control of Aghdam", dt.date(2020, 11, 20))
    jamnews = make_source("JAMnews", "Kalbajar handover postponed to 25 November", dt.date(2020, 11, 15))
    tass = make_source("TASS", "Lachin and Kalbajar handed over", dt.date(2020, 12, 1))
    azatutyun = make_source(
        "Azatutyun",
        "Lavrov and Ayvazian on the prisoner exchange",
        dt.date(2020, 12, 7),
        url="https://www.azatutyun.am/a/30988000.html",
    )
    add_status(aghdam, Status.FULFILLED, dt.date(2020, 11, 20), al_jazeera, "Azerbaijani troops entered Aghdam.")
    change = add_deadline_change(
        kalbajar,
        dt.date(2020, 11, 25),
        decided_on=dt.date(2020, 11, 15),
        source=jamnews,
        requested_by=armenia,
        agreed_by=[azerbaijan],
        reason="Armenia asked for more time to evacuate civilians.",
        quote="Azerbaijan agreed to extend the deadline for the withdrawal from Kalbajar to 25 November.",
    )
    add_status(kalbajar, Status.FULFILLED, dt.date(2020, 11, 25), tass, "Kalbajar was handed over on 25 November.")
    add_status(prisoners, Status.MINIMAL, dt.date(2020, 12, 7), azatutyun, "Talks on the exchange continue.")
    lavrov = add_claim(
        prisoners,
        russia,
        "Sergei Lavrov, Russian foreign minister",
        dt.date(2020, 12, 7),
        Claim.Position.UNDER_WAY,
        azatutyun,
        "There is progress in the exchange of prisoners of war and bodies of the dead",
    )
    ayvazian = add_claim(
        prisoners,
        armenia,
        "Ara Ayvazian, Armenian foreign minister",
        dt.date(2020, 12, 7),
        Claim.Position.NOT_STARTED,
        azatutyun,
        "The exchange of prisoners has not yet begun",
        summary="The exchange has not yet begun.",
    )
    # The incident log: a shelling alleged by Armenia against Azerbaijan, corroborated by two
    # outlets, with conflicting casualty figures; and an arrest on one outlet's word (alleged).
    shelling = add_incident(
        agreement,
        dt.date(2020, 12, 1),
        azatutyun,
        "Shells hit the village overnight.",
        event_type=EventType.EXPLOSIONS_REMOTE_VIOLENCE,
        sub_event_type=SubEventType.SHELLING_ARTILLERY_MISSILE_ATTACK,
        location="Hin Tagher",
        admin1="Khojavend District",
        latitude="39.60000",
        longitude="46.90000",
        geo_precision=GeoPrecision.EXACT,
        actor1=azerbaijan,
        actor2=armenia,
        alleged_by=armenia,
        alleged_against=azerbaijan,
        summary="Armenia says Azerbaijani forces shelled the village after the ceasefire.",
        evidence=[
            IncidentEvidence(source=azatutyun, quote="Shells hit the village overnight."),
            IncidentEvidence(source=tass, quote="Shelling was reported near Hin Tagher.", is_verbatim=False),
        ],
        commitments=[prisoners],
        casualty_reports=[
            casualties(minimum=2, maximum=4, source=azatutyun, group=CasualtyReport.Group.CIVILIANS),
            casualties(minimum=1, source=tass, group=CasualtyReport.Group.CIVILIANS),
            casualties(CasualtyReport.Kind.INJURIES, source=tass),
        ],
    )
    arrests = add_incident(
        agreement,
        dt.date(2020, 12, 7),
        azatutyun,
        "The detainees were arrested on 7 December.",
        event_type=EventType.STRATEGIC_DEVELOPMENTS,
        sub_event_type=SubEventType.ARRESTS,
        location="Hadrut",
        geo_precision=GeoPrecision.NEARBY,
        actor1=azerbaijan,
        alleged_by=armenia,
        alleged_against=azerbaijan,
        commitments=[prisoners],
    )
    return SimpleNamespace(**locals())


def bulk_data(agreements: int = 3, points: int = 10, per_point: int = 4) -> None:
    """Create many agreements, commitments, assessments, claims and sources for query-count tests."""
    parties = [make_party(f"party-{i}", f"Party {i}") for i in range(6)]
    sources = [
        make_source(f"Outlet {i}", f"Report {i}", dt.date(2020, 11, 10) + dt.timedelta(days=i)) for i in range(20)
    ]
    statuses = [Status.FULFILLED, Status.NOT_STARTED, Status.MINIMAL, Status.VIOLATED, Status.ENDED]
    for a in range(agreements):
        agreement = make_agreement(f"bulk-{a}", signatories=parties[:3], title=f"Bulk agreement {a}")
        AgreementText.objects.create(
            agreement=agreement, label="Official", publisher="Office", language="en", is_quoted=True
        )
        for p in range(points):
            provision = make_provision(agreement, str(p + 1))
            for c in range(per_point):
                n = p * per_point + c
                commitment = make_commitment(
                    provision,
                    parties=parties[n % 6 : n % 6 + 2],
                    title=f"Bulk commitment {a}-{n}",
                    category=Commitment.Category.OTHER,
                    deadline=dt.date(2020, 11, 15) + dt.timedelta(days=n * 7),
                )
                source = sources[n % 20]
                add_status(commitment, statuses[n % 5], dt.date(2020, 12, 1), source, f"Quote {n}.")
                if n % 3 == 0:
                    add_status(commitment, statuses[(n + 1) % 5], dt.date(2021, 1, 1), source, f"Later {n}.")
                if n % 2 == 0:
                    add_claim(
                        commitment, parties[0], "Speaker A", dt.date(2020, 12, 7), Claim.Position.KEPT, source, "Kept."
                    )
                    add_claim(
                        commitment,
                        parties[1],
                        "Speaker B",
                        dt.date(2020, 12, 8),
                        Claim.Position.BROKEN,
                        source,
                        "Broken.",
                    )
                if n % 5 == 0:
                    add_deadline_change(
                        commitment,
                        commitment.deadline_in_force + dt.timedelta(days=5),
                        # A source cannot report a decision made after it was published.
                        decided_on=min(dt.date(2020, 11, 14), source.published_on),
                        source=source,
                        requested_by=parties[1],
                        agreed_by=parties[:2],
                        reason="More time.",
                    )
