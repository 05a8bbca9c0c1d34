"""The corrections log: every published status update and claim that corrects an earlier entry, newest
recorded first. One definition for the public page (dashboard) and its Atom feed (opendata).

Nothing recorded is edited: a mistake is corrected by a new entry that names the one it
corrects and says why (`corrects`, `correction_reason`); the corrected entry stays on record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from heapq import merge

from .models import Claim, StatusUpdate


@dataclass(frozen=True)
class Correction:
    """One entry that corrects another: what (the two entries), when (recorded), why (the reason)."""

    entry: StatusUpdate | Claim

    @property
    def kind(self) -> str:
        return "claim" if isinstance(self.entry, Claim) else "assessment"

    @property
    def corrected(self) -> StatusUpdate | Claim:
        return self.entry.corrects

    @property
    def commitment(self):
        return self.entry.commitment

    @property
    def recorded_at(self) -> dt.datetime:
        return self.entry.recorded_at

    @property
    def reason(self) -> str:
        return self.entry.correction_reason


def _updates():
    return StatusUpdate.objects.published().filter(corrects__isnull=False)


def _claims():
    return Claim.objects.published().filter(corrects__isnull=False)


class CorrectionList:
    """All corrections, newest recorded first, for django.core.paginator.Paginator: counted in two
    queries, and a page read with two small sorted reads and two fetches, whatever the total."""

    def count(self) -> int:
        return _updates().count() + _claims().count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Correction]:
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        newest = ("-recorded_at", "-id")
        updates = _updates().order_by(*newest).values_list("recorded_at", "id")
        claims = _claims().order_by(*newest).values_list("recorded_at", "id")
        if stop is not None:
            updates, claims = updates[:stop], claims[:stop]
        keys = list(
            merge(
                ((at, pk, "assessment") for at, pk in updates),
                ((at, pk, "claim") for at, pk in claims),
                key=lambda key: (key[0], key[1]),
                reverse=True,
            )
        )[start:stop]
        wanted = {kind: [pk for _, pk, key_kind in keys if key_kind == kind] for kind in ("assessment", "claim")}
        found = {
            ("assessment", update.pk): update
            for update in _updates()
            .filter(pk__in=wanted["assessment"])
            .select_related("commitment__provision__agreement", "corrects")
            .prefetch_related("evidence__source", "corrects__evidence__source")
        }
        found.update(
            (("claim", claim.pk), claim)
            for claim in _claims()
            .filter(pk__in=wanted["claim"])
            .select_related("commitment__provision__agreement", "speaker", "party", "source", "corrects__speaker")
        )
        return [Correction(found[(kind, pk)]) for _, pk, kind in keys]


def latest(limit: int) -> list[Correction]:
    """Return the `limit` most recently recorded corrections."""
    return CorrectionList()[:limit]
