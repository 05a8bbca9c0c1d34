"""Review before publication: every assessment, claim and deadline change is recorded as a draft,
seen only by monitors, and published when a second monitor reviews it (or sent back to its author
with a comment).

Which entries are public is one rule, ReviewableQuerySet.published() (Reviewable.is_published() for
one row); this module holds the two steps that change it. Publishing is a conditional update of the
draft, so two reviewers can never both publish one entry; in the same transaction it brings the
commitment's stored state up to date (the entry's save() does: refresh_status(), sync_deadline())
and moves the data version, so alerts, the page cache and the ETags follow the publication, never
the entry.

The kinds of record that go through review are listed in RECORD_KINDS. Another model joins by
inheriting Reviewable and calling register_kind() (see README, "Recording in the admin").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .models import (
    Agreement,
    Claim,
    DataVersion,
    DeadlineChange,
    Incident,
    PublishedVia,
    Reviewable,
    ReviewState,
    StatusUpdate,
)


@dataclass(frozen=True)
class RecordKind:
    """A kind of record monitors enter as drafts: its model, its names, and how to fetch a list of
    them with what the review queue shows (`related`: select_related paths)."""

    slug: str
    model: type[Reviewable]
    label: str
    label_plural: str
    related: tuple[str, ...] = ()
    # The lookup from the model to its agreement (the admin's scoping, commitments/admin_scope.py).
    agreement_path: str = "commitment__provision__agreement"
    # Monitors can upload a spreadsheet of them (commitments/spreadsheets.py, django-import-export).
    importable: bool = False

    @property
    def opts(self):
        return self.model._meta

    def rows(self) -> models.QuerySet:
        return self.model.objects.select_related("recorded_by", "reviewed_by", *self.related)


RECORD_KINDS: dict[str, RecordKind] = {}


def register_kind(kind: RecordKind) -> RecordKind:
    """Add a kind of record to the review queue, the admin index's desk and the leak tests."""
    RECORD_KINDS[kind.slug] = kind
    return kind


register_kind(
    RecordKind(
        "assessment",
        StatusUpdate,
        _("assessment"),
        _("assessments"),
        related=("commitment__provision__agreement",),
        importable=True,
    )
)
register_kind(
    RecordKind(
        "claim",
        Claim,
        _("claim"),
        _("claims"),
        related=("commitment__provision__agreement", "party", "speaker__party"),
        importable=True,
    )
)
register_kind(
    RecordKind(
        "deadline-change",
        DeadlineChange,
        _("deadline change"),
        _("deadline changes"),
        related=("commitment__provision__agreement",),
    )
)

register_kind(
    RecordKind(
        "incident",
        Incident,
        _("incident"),
        _("incidents"),
        related=("agreement",),
        agreement_path="agreement",
        importable=True,
    )
)


def kind_of(entry: Reviewable) -> RecordKind:
    return next(kind for kind in RECORD_KINDS.values() if isinstance(entry, kind.model))


class ReviewConflict(Exception):
    """The entry is no longer a draft awaiting review: someone else reviewed it first."""


def self_publishing_allowed() -> bool:
    """Return True if monitors may publish their own entries (settings.REVIEW_ALLOW_SELF_PUBLISH,
    for deployments with a single monitor). Such entries are shown as not independently reviewed."""
    return settings.REVIEW_ALLOW_SELF_PUBLISH


def review_refusal(user, entry: Reviewable) -> str | None:
    """Return why `user` may not publish or send back `entry`, or None if they may."""
    if entry.review_state != ReviewState.DRAFT:
        return _("This entry is not awaiting review.")
    if not user.has_perm(f"{entry._meta.app_label}.review_{entry._meta.model_name}"):
        return _("You may not review entries of this kind.")
    if entry.recorded_by_id == user.pk and not self_publishing_allowed():
        return _("A second monitor reviews each entry: you cannot publish or send back your own.")
    return None


def may_review(user, entry: Reviewable) -> bool:
    return review_refusal(user, entry) is None


def _claim_draft(entry: Reviewable, **values) -> None:
    """Move the draft on with a conditional update (the lock: only one reviewer wins), or raise."""
    won = type(entry).objects.filter(pk=entry.pk, review_state=ReviewState.DRAFT).update(**values)
    if won != 1:
        raise ReviewConflict(_("Someone else reviewed this entry first."))


@transaction.atomic
def publish(entry: Reviewable, *, by, now: dt.datetime) -> Reviewable:
    """Publish a draft: from now on the public sees it and every derived state counts it.

    The reviewer and the time are recorded; the commitment's stored state and the data version
    move in the same transaction (the entry's save() keeps its commitment's stored fields true).
    """
    refusal = review_refusal(by, entry)
    if refusal:
        raise PermissionDenied(refusal)
    via = PublishedVia.AUTHOR if entry.recorded_by_id == by.pk else PublishedVia.REVIEW
    values = {"review_state": ReviewState.PUBLISHED, "published_via": via, "reviewed_by": by, "reviewed_at": now}
    _claim_draft(entry, **values)
    entry.refresh_from_db()
    entry.prepare_publication()
    entry._history_user = by  # django-simple-history: the audit trail names the reviewer
    entry.save()  # publishes through the model: stored states, history, the data version
    DataVersion.bump()  # even for an entry whose save() changes nothing stored
    return entry


@transaction.atomic
def send_back(entry: Reviewable, *, by, comment: str, now: dt.datetime) -> Reviewable:
    """Send a draft back to its author with a comment saying what to change. It stays unpublished."""
    comment = (comment or "").strip()
    if not comment:
        raise ValueError(_("Say what the author should change."))
    refusal = review_refusal(by, entry)
    if refusal:
        raise PermissionDenied(refusal)
    values = {"review_state": ReviewState.RETURNED, "reviewed_by": by, "reviewed_at": now, "review_comment": comment}
    _claim_draft(entry, **values)
    entry.refresh_from_db()
    entry._history_user = by
    entry.save()
    return entry


def resubmit(entry: Reviewable) -> None:
    """Put a draft its author has revised back in the review queue (the reviewer's comment stays
    on it until it is published)."""
    if entry.review_state == ReviewState.RETURNED:
        entry.review_state = ReviewState.DRAFT


def queue_counts(user) -> dict[str, int]:
    """Return, per kind, how many drafts of the user's agreements await review by someone else."""
    agreements = Agreement.objects.visible_to(user).values("pk")
    counts = {}
    for slug, kind in RECORD_KINDS.items():
        rows = kind.model.objects.awaiting_review().filter(**{f"{kind.agreement_path}__in": agreements}).distinct()
        if not self_publishing_allowed():
            rows = rows.exclude(recorded_by=user)
        counts[slug] = rows.count()
    return counts


def returned_counts(user) -> dict[str, int]:
    """Return, per kind, how many of the user's drafts were sent back to them."""
    return {
        slug: kind.model.objects.filter(review_state=ReviewState.RETURNED, recorded_by=user).count()
        for slug, kind in RECORD_KINDS.items()
    }
