"""Plain objects.create() builders shared by the alerts tests (no seed data)."""

from __future__ import annotations

import datetime as dt

from alerts.models import MonitorSubscription, Subscriber
from commitments.models import Agreement, Commitment, DeadlineChange, Evidence, Party, Provision, Source, StatusUpdate

UTC = dt.UTC

# 25 Nov 2020 in an agreement that counts in Moscow time ends at 21:00 UTC.
KALBAJAR_ENDS_AT = dt.datetime(2020, 11, 25, 21, 0, tzinfo=UTC)


def make_party(slug: str = "armenia", name: str = "Republic of Armenia") -> Party:
    return Party.objects.get_or_create(slug=slug, defaults={"name": name, "kind": Party.Kind.STATE})[0]


def make_agreement(slug: str = "trilateral-statement-2020", time_zone: str = "Europe/Moscow") -> Agreement:
    return Agreement.objects.get_or_create(
        slug=slug,
        defaults={
            "title": f"Statement {slug}",
            "short_title": "Trilateral statement of 10 Nov 2020" if slug == "trilateral-statement-2020" else slug,
            "signed_on": dt.date(2020, 11, 9),
            "time_zone": time_zone,
            "entry_into_force": dt.datetime(2020, 11, 9, 21, 0, tzinfo=UTC),  # 10 Nov 00:00 Moscow
        },
    )[0]


def make_source(title: str = "Statement by the Ministry of Defence") -> Source:
    return Source.objects.create(
        publisher="Ministry of Defence",
        title=title,
        published_on=dt.date(2020, 11, 25),
        language="en",
        kind=Source.Kind.OFFICIAL_STATEMENT,
        url="",
    )


def make_commitment(
    code: str = "kalbajar-handover",
    *,
    title: str = "Return of the Kalbajar district",
    deadline: dt.date | None = dt.date(2020, 11, 25),
    agreement: Agreement | None = None,
    category: str = Commitment.Category.TERRITORIAL_HANDOVER,
    parties: list[Party] | None = None,
    number: str = "6",
    **fields,
) -> Commitment:
    agreement = agreement or make_agreement()
    provision, _ = Provision.objects.get_or_create(
        agreement=agreement,
        number=number,
        defaults={
            "position": int(number) if number.isdigit() else 99,
            "text": "The Kalbajar district shall be returned…",
        },
    )
    fields.setdefault("deadline_kind", Commitment.DeadlineKind.DATE if deadline else Commitment.DeadlineKind.ONGOING)
    commitment = Commitment.objects.create(
        provision=provision,
        code=code,
        title=title,
        description="Armenia returns the district.",
        category=category,
        deadline_date=deadline,
        **fields,
    )
    commitment.responsible_parties.set(parties if parties is not None else [make_party()])
    return commitment


def assess(commitment: Commitment, status: str, as_of: dt.date, summary: str = "Assessed.") -> StatusUpdate:
    update = StatusUpdate.objects.create(commitment=commitment, status=status, as_of=as_of, summary=summary)
    Evidence.objects.create(status_update=update, source=make_source(f"Report {update.pk}"), quote="Quoted passage.")
    commitment.refresh_from_db()
    return update


def extend(commitment: Commitment, new_deadline: dt.date, decided_on: dt.date) -> DeadlineChange:
    change = DeadlineChange.objects.create(
        commitment=commitment,
        new_deadline=new_deadline,
        decided_on=decided_on,
        reason="Agreed extension.",
        source=make_source(f"Extension to {new_deadline}"),
    )
    commitment.refresh_from_db()
    return change


def make_subscriber(email: str = "reader@example.org", *, agreements=(), parties=(), categories=()) -> Subscriber:
    subscriber = Subscriber.objects.create(
        email=email, confirmed_at=dt.datetime(2020, 11, 1, tzinfo=UTC), categories=list(categories)
    )
    subscriber.agreements.set(agreements)
    subscriber.parties.set(parties)
    return subscriber


def make_monitor(django_user_model, username: str = "monitor", agreement: Agreement | None = None, **fields):
    fields = {"email": f"{username}@tracker.example", "is_staff": True, **fields}
    user = django_user_model.objects.create_user(username=username, password="x", **fields)
    agreement = agreement or make_agreement()
    agreement.monitors.add(user)  # a monitor gets alerts only about agreements they may see
    MonitorSubscription.objects.create(user=user, agreement=agreement)
    return user
