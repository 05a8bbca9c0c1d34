"""Synthetic data at a chosen scale, for benchmarks (manage.py make_synthetic_data).

Shapes follow the real case: agreements of a few to a few dozen points, each with
one to a few commitments of every deadline kind; a history of assessments per
commitment, each with one or two pieces of quoted evidence; some claims, a few of
them conflicting; a few deadline extensions. Rows are written with bulk_create,
so model save() hooks do not run: the denormalised fields they keep (deadline in
force, the instant it ends, current status, fulfilment time, the sort keys) are set by the
models' own rules (Commitment.sync_deadline, refresh_status, copy_sort_keys) on the rows in
memory, and the stored flags and latest activity by their set-based UPDATEs
(CommitmentQuerySet.refresh_flags, AgreementQuerySet.refresh_latest_activity) at the end.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from alerts.models import Subscriber
from commitments import search
from commitments.models import (
    CLOSED_STATUSES,
    Agreement,
    Claim,
    Commitment,
    DataVersion,
    DeadlineChange,
    Evidence,
    Party,
    Provision,
    PublishedVia,
    ReviewState,
    Source,
    Speaker,
    Status,
    StatusUpdate,
    add_months,
)

TIME_ZONES = ["Europe/Moscow", "UTC", "Africa/Addis_Ababa", "Asia/Yangon", "America/Bogota", "Asia/Kolkata"]
BATCH = 5000
# Synthetic entries stand for published records (drafts are few and count nowhere).
PUBLISHED = {"review_state": ReviewState.PUBLISHED, "published_via": PublishedVia.SEED}

Progress = Callable[[str, int, int], None]


@dataclass
class Scale:
    agreements: int = 200
    commitments: int = 20_000
    status_updates: int = 400_000
    parties: int = 300
    sources: int = 20_000
    subscribers: int = 50_000


def _no_progress(label: str, done: int, total: int) -> None:
    pass


def _bulk(model, rows: list, label: str, progress: Progress, total: int, done: int) -> int:
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start : start + BATCH], batch_size=BATCH)
        done += len(rows[start : start + BATCH])
        progress(label, done, total)
    return done


def make_synthetic_data(scale: Scale, seed: int = 2020, progress: Progress = _no_progress) -> dict[str, int]:
    """Create a dataset of `scale` (on top of what exists) and return the number of rows per kind."""
    rng = random.Random(seed)
    today = dt.date(2026, 11, 1)
    with transaction.atomic():
        parties = Party.objects.bulk_create(
            [
                Party(slug=f"synthetic-party-{n}", name=f"Synthetic party {n}", kind=rng.choice(Party.Kind.values))
                for n in range(scale.parties)
            ]
        )
        progress("parties", len(parties), scale.parties)
        sources = []
        for n in range(scale.sources):
            sources.append(
                Source(
                    publisher=f"Outlet {n % 400}",
                    title=f"Report {n} on the implementation of a ceasefire",
                    published_on=dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(4000)),
                    language=rng.choice(["en", "ru", "fr", "ar", "es"]),
                    url=f"https://news.example.org/{n}",
                    kind=rng.choice(Source.Kind.values),
                )
            )
        _bulk(Source, sources, "sources", progress, scale.sources, 0)
        sources = list(Source.objects.filter(url__startswith="https://news.example.org/").order_by("pk"))

        agreements = []
        for n in range(scale.agreements):
            signed = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(5000))
            zone = rng.choice(TIME_ZONES)
            agreements.append(
                Agreement(
                    slug=f"synthetic-agreement-{n}",
                    title=f"Synthetic ceasefire agreement {n}",
                    short_title=f"Agreement {n}",
                    signed_on=signed,
                    time_zone=zone,
                    entry_into_force=dt.datetime.combine(signed + dt.timedelta(days=1), dt.time(), ZoneInfo(zone)),
                )
            )
        Agreement.objects.bulk_create(agreements)
        agreements = list(Agreement.objects.filter(slug__startswith="synthetic-agreement-").order_by("pk"))
        Signatories = Agreement.signatories.through
        Signatories.objects.bulk_create(
            [
                Signatories(agreement_id=agreement.pk, party_id=party.pk)
                for agreement in agreements
                for party in rng.sample(parties, 3)
            ]
        )
        progress("agreements", len(agreements), scale.agreements)

        per_agreement = max(1, scale.commitments // max(1, scale.agreements))
        provisions = []
        for agreement in agreements:
            for number in range(1, max(2, per_agreement // 3) + 1):
                provisions.append(
                    Provision(agreement=agreement, number=str(number), position=number, text=f"Point {number}.")
                )
        Provision.objects.bulk_create(provisions, batch_size=BATCH)
        provisions = list(Provision.objects.filter(agreement__in=agreements).select_related("agreement").order_by("pk"))
        by_agreement: dict[int, list[Provision]] = {}
        for provision in provisions:
            by_agreement.setdefault(provision.agreement_id, []).append(provision)

        commitments = []
        plan = []  # (commitment, agreement, its deadline change or None)
        kinds = ["date"] * 5 + ["period"] * 2 + ["ongoing"] * 2 + ["none"] * 2 + ["renewable"]
        for n in range(scale.commitments):
            agreement = agreements[n % len(agreements)]
            provision = rng.choice(by_agreement[agreement.pk])
            kind = rng.choice(kinds)
            fields = {}
            start = agreement.entry_into_force_date()
            original = None
            if kind == "date":
                original = start + dt.timedelta(days=rng.randrange(5, 900))
                fields["deadline_date"] = original
            elif kind == "period":
                fields["period_months"] = rng.choice([6, 12, 36])
                original = add_months(start, fields["period_months"])
            elif kind == "renewable":
                fields.update(term_months=60, notice_months=6)
            extension = (
                original + dt.timedelta(days=rng.choice([10, 30, 90])) if original and rng.random() < 0.05 else None
            )
            commitment = Commitment(
                provision=provision,
                code=f"c{n}",
                title=f"Synthetic commitment {n}",
                description="A party must do a thing by a date.",
                category=rng.choice(Commitment.Category.values),
                deadline_kind=kind,
                **fields,
            )
            change = (
                DeadlineChange(
                    commitment=commitment,
                    previous_deadline=original,
                    new_deadline=extension,
                    decided_on=original - dt.timedelta(days=1),
                    reason="Extended by agreement of the parties.",
                    **PUBLISHED,
                )
                if extension
                else None
            )
            commitment.sync_deadline(changes=[change] if change else [])
            commitment.copy_sort_keys()
            commitments.append(commitment)
            plan.append((commitment, agreement, change))
        _bulk(Commitment, commitments, "commitments", progress, scale.commitments, 0)
        Responsible = Commitment.responsible_parties.through
        Responsible.objects.bulk_create(
            [
                Responsible(commitment_id=commitment.pk, party_id=party.pk)
                for commitment in commitments
                for party in rng.sample(parties, rng.choice([1, 1, 2, 3]))
            ],
            batch_size=BATCH,
        )
        changes = [change for _, _, change in plan if change]
        for change in changes:
            change.source = rng.choice(sources)
        DeadlineChange.objects.bulk_create(changes, batch_size=BATCH)

        # Assessments: spread over the commitments, each dated after entry into force.
        statuses = [
            Status.NOT_STARTED,
            Status.MINIMAL,
            Status.INTERMEDIATE,
            Status.FULFILLED,
            Status.VIOLATED,
            Status.ENDED,
        ]
        updates, history = [], {}
        for n in range(scale.status_updates):
            commitment, agreement, _ = plan[n % len(plan)]
            start = agreement.entry_into_force_date()
            as_of = min(today, start + dt.timedelta(days=rng.randrange(1, 3000)))
            status = rng.choices(statuses, weights=[3, 3, 3, 2, 1, 1])[0]
            update = StatusUpdate(
                commitment=commitment, status=status, as_of=as_of, summary=f"Assessment {n}.", **PUBLISHED
            )
            update.is_evidenced = True  # each gets evidence below (what refresh_status counts)
            updates.append(update)
        done = 0
        for start in range(0, len(updates), BATCH):
            batch = updates[start : start + BATCH]
            StatusUpdate.objects.bulk_create(batch, batch_size=BATCH)
            Evidence.objects.bulk_create(
                [
                    Evidence(
                        status_update=update, source=rng.choice(sources), quote=f"Quoted passage about {update.summary}"
                    )
                    for update in batch
                    for _ in range(rng.choice([1, 1, 2]))
                ],
                batch_size=BATCH,
            )
            done += len(batch)
            progress("status updates", done, scale.status_updates)

        # Claims on one commitment in ten; one in four of those conflicting.
        speakers = {}
        for party in parties:
            speakers[party.pk] = Speaker.objects.get_or_create(name="A foreign minister", role="", party=party)[0]
        claims = []
        for commitment, agreement, _ in plan[::10]:
            day = agreement.entry_into_force_date() + dt.timedelta(days=rng.randrange(1, 1000))
            positions = ["under_way", "not_started"] if rng.random() < 0.25 else ["kept"]
            for position in positions:
                party = rng.choice(parties)
                claims.append(
                    Claim(
                        commitment=commitment,
                        party=party,
                        speaker=speakers[party.pk],
                        stated_on=day,
                        position=position,
                        summary="Said so.",
                        source=rng.choice(sources),
                        quote="What was said.",
                        **PUBLISHED,
                    )
                )
        Claim.objects.bulk_create(claims, batch_size=BATCH)

        # Confirmed subscribers, each following one to three agreements, some also a party
        # or a category (never "other", which the benchmark's job data uses).
        subscribers = [
            Subscriber(
                email=f"reader{n}@example.org",
                confirmed_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
                categories=[rng.choice(Commitment.Category.values[:-1])] if rng.random() < 0.1 else [],
            )
            for n in range(scale.subscribers)
        ]
        _bulk(Subscriber, subscribers, "subscribers", progress, scale.subscribers, 0)
        Followed = Subscriber.agreements.through
        Followed.objects.bulk_create(
            [
                Followed(subscriber_id=subscriber.pk, agreement_id=agreement.pk)
                for subscriber in subscribers
                for agreement in rng.sample(agreements, min(len(agreements), rng.choice([1, 1, 2, 3])))
            ],
            batch_size=BATCH,
        )
        # Bulk writes send no signals: the stored follow scope is set here, as the signals would.
        Subscriber.objects.all().refresh_follow_scope()

        # The denormalised status fields, as refresh_status() would set them.
        for update in updates:
            history.setdefault(update.commitment_id, []).append(update)
        for commitment in commitments:
            commitment.refresh_status(history.get(commitment.pk, []), save=False)
        Commitment.objects.bulk_update(
            commitments,
            # What refresh_status() set, with the mark it sets for the flagging job.
            ["current_status", "status_as_of", "fulfilled_at", "fulfilled_precision", "state_changed_at"],
            batch_size=BATCH,
        )
        # Disputed and contested read the claims and the statuses just stored; the latest activity both;
        # the support, the assessments and their evidence. PostgreSQL plans those set-based updates
        # from its statistics, which do not know yet of the rows this transaction wrote: without
        # them it read every assessment for each commitment (ten minutes at the benchmark's scale).
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        Commitment.objects.filter(provision_agreement__in=agreements).refresh_flags()
        Commitment.objects.filter(provision_agreement__in=agreements).refresh_support()
        Agreement.objects.filter(pk__in=[agreement.pk for agreement in agreements]).refresh_latest_activity()
        progress("commitments updated", len(commitments), len(commitments))
        # Bulk writes send no signals: the search index is filled here, in the same transaction.
        indexed = search.reindex()
        progress("search entries", sum(indexed.values()), sum(indexed.values()))
        DataVersion.bump()

    return {
        "parties": len(parties),
        "sources": len(sources),
        "agreements": len(agreements),
        "commitments": len(commitments),
        "status updates": len(updates),
        "claims": len(claims),
        "subscribers": len(subscribers),
        "open commitments": sum(1 for c in commitments if c.current_status not in CLOSED_STATUSES),
    }
