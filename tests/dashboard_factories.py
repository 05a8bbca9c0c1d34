"""Plain objects.create() builders for the public pages' tests. No seed data is read."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from commitments.models import (
    Agreement,
    AgreementText,
    Claim,
    Commitment,
    DeadlineChange,
    Evidence,
    Party,
    Provision,
    Source,
    Status,
    StatusUpdate,
)

UTC = dt.UTC
_counter = itertools.count(1)


def make_party(slug: str, name: str, short_name: str = "") -> Party:
    return Party.objects.create(slug=slug, name=name, short_name=short_name or name, kind=Party.Kind.STATE)


def make_agreement(slug: str = "statement-2020", signatories: list[Party] = (), **fields) -> Agreement:
    defaults = dict(
        title="Statement on a complete ceasefire",
        short_title="Ceasefire statement",
        signed_on=dt.date(2020, 11, 9),
        time_zone="Europe/Moscow",
        entry_into_force=dt.datetime(2020, 11, 10, 0, 0, tzinfo=ZoneInfo("Europe/Moscow")),
    )
    agreement = Agreement.objects.create(slug=slug, **{**defaults, **fields})
    agreement.signatories.set(signatories)
    return agreement


def make_provision(agreement: Agreement, number: str, text: str = "", **fields) -> Provision:
    return Provision.objects.create(
        agreement=agreement,
        number=number,
        position=int("".join(filter(str.isdigit, number)) or 0),
        text=text or f"Text of point {number}.",
        **fields,
    )


def make_commitment(provision: Provision, parties: list[Party], title: str, **fields) -> Commitment:
    fields.setdefault("deadline_kind", Commitment.DeadlineKind.NONE)
    fields.setdefault("category", Commitment.Category.OTHER)
    commitment = Commitment.objects.create(
        provision=provision,
        code=fields.pop("code", f"c-{next(_counter)}"),
        title=title,
        description=fields.pop("description", f"{title}, as the text requires."),
        **fields,
    )
    commitment.responsible_parties.set(parties)
    return commitment


def make_source(publisher: str, title: str, published_on: dt.date, **fields) -> Source:
    fields.setdefault("kind", Source.Kind.NEWS_REPORT)
    fields.setdefault("language", "en")
    return Source.objects.create(publisher=publisher, title=title, published_on=published_on, **fields)


def add_status(
    commitment: Commitment, status: str, as_of: dt.date, source: Source, quote: str, summary: str = ""
) -> StatusUpdate:
    update = StatusUpdate.objects.create(
        commitment=commitment, status=status, as_of=as_of, summary=summary or f"Assessed {status}."
    )
    Evidence.objects.create(status_update=update, source=source, quote=quote)
    return update


def add_claim(
    commitment: Commitment,
    party: Party,
    speaker: str,
    stated_on: dt.date,
    position: str,
    source: Source,
    quote: str,
    summary: str = "",
) -> Claim:
    return Claim.objects.create(
        commitment=commitment,
        party=party,
        speaker=speaker,
        stated_on=stated_on,
        position=position,
        summary=summary or quote,
        source=source,
        quote=quote,
    )


def karabakh_like() -> SimpleNamespace:
    """Return a small data set shaped like the 2020 statement: handovers met, one extended, one
    overdue, and the 7 Dec 2020 prisoner-exchange contradiction between Lavrov and Ayvazian."""
    azerbaijan = make_party("azerbaijan", "Republic of Azerbaijan", "Azerbaijan")
    armenia = make_party("armenia", "Republic of Armenia", "Armenia")
    russia = make_party("russia", "Russian Federation", "Russia")
    agreement = make_agreement(signatories=[azerbaijan, armenia, russia])
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
        [armenia],
        "Return of the Aghdam district",
        code="aghdam-handover",
        category=Commitment.Category.TERRITORIAL_HANDOVER,
        deadline_kind=Commitment.DeadlineKind.DATE,
        deadline_date=dt.date(2020, 11, 20),
    )
    kalbajar = make_commitment(
        point6,
        [armenia],
        "Return of the Kalbajar district",
        code="kalbajar-handover",
        category=Commitment.Category.TERRITORIAL_HANDOVER,
        deadline_kind=Commitment.DeadlineKind.DATE,
        deadline_date=dt.date(2020, 11, 15),
    )
    route = make_commitment(
        point6,
        [azerbaijan, armenia],
        "Plan for a new route along the Lachin corridor",
        code="route-plan",
        category=Commitment.Category.TRANSPORT_ECONOMIC,
        deadline_kind=Commitment.DeadlineKind.PERIOD,
        period_months=36,
    )
    prisoners = make_commitment(
        point8,
        [azerbaijan, armenia],
        "Exchange of prisoners and bodies",
        code="prisoner-exchange",
        category=Commitment.Category.PRISONERS_REMAINS,
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
    change = DeadlineChange.objects.create(
        commitment=kalbajar,
        new_deadline=dt.date(2020, 11, 25),
        decided_on=dt.date(2020, 11, 15),
        requested_by=armenia,
        reason="Armenia asked for more time to evacuate civilians.",
        source=jamnews,
        quote="Azerbaijan agreed to extend the deadline for the withdrawal from Kalbajar to 25 November.",
    )
    change.agreed_by.set([azerbaijan])
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
    return SimpleNamespace(**locals())


def bulk_data(agreements: int = 3, points: int = 10, per_point: int = 4) -> None:
    """Create many agreements, commitments, assessments, claims and sources for query-count tests."""
    parties = [make_party(f"party-{i}", f"Party {i}") for i in range(6)]
    sources = [
        make_source(f"Outlet {i}", f"Report {i}", dt.date(2020, 11, 10) + dt.timedelta(days=i)) for i in range(20)
    ]
    statuses = [Status.FULFILLED, Status.NOT_STARTED, Status.MINIMAL, Status.VIOLATED, Status.ENDED]
    for a in range(agreements):
        agreement = make_agreement(slug=f"bulk-{a}", signatories=parties[:3], title=f"Bulk agreement {a}")
        AgreementText.objects.create(
            agreement=agreement, label="Official", publisher="Office", language="en", is_quoted=True
        )
        for p in range(points):
            provision = make_provision(agreement, str(p + 1))
            for c in range(per_point):
                n = p * per_point + c
                commitment = make_commitment(
                    provision,
                    parties[n % 6 : n % 6 + 2],
                    f"Bulk commitment {a}-{n}",
                    category=Commitment.Category.OTHER,
                    deadline_kind=Commitment.DeadlineKind.DATE,
                    deadline_date=dt.date(2020, 11, 15) + dt.timedelta(days=n * 7),
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
                    change = DeadlineChange.objects.create(
                        commitment=commitment,
                        new_deadline=commitment.deadline_in_force + dt.timedelta(days=5),
                        decided_on=dt.date(2020, 11, 14),
                        requested_by=parties[1],
                        reason="More time.",
                        source=source,
                    )
                    change.agreed_by.set(parties[:2])
