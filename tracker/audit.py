"""The audit trail across models, for the admin's audit log page.

django-simple-history records every create, change and delete of the tracked
models (agreements, their texts and provisions, commitments, parties, sources,
deadline changes, status updates, evidence, claims, and user accounts) with who
did it and when; this module reads those records back as one list.
"""

from dataclasses import dataclass
from datetime import datetime
from heapq import merge

from simple_history.models import registered_models

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class AuditEntry:
    when: datetime
    who: str
    action: str
    model: str
    object_id: object
    object_repr: str
    changes: list[tuple[str, object, object]]  # (field, before, after)


def tracked_history_models() -> list:
    """Return the history models of tracked models (not of their many-to-many tables)."""
    return sorted(
        (model for model in registered_models.values() if hasattr(model, "history")),
        key=lambda model: model._meta.label,
    )


def _changes(record) -> list[tuple[str, object, object]]:
    fields = [field.name for field in record.instance_type._meta.fields if field.editable]
    if record.history_type == "~" and record.prev_record is not None:
        delta = record.diff_against(record.prev_record)
        return [(change.field, change.old, change.new) for change in delta.changes]
    if record.history_type == "+":
        return [
            (name, None, getattr(record, name, None))
            for name in fields
            if getattr(record, name, None) not in (None, "")
        ]
    return [
        (name, getattr(record, name, None), None) for name in fields if getattr(record, name, None) not in (None, "")
    ]


def recent_changes(limit: int = 100) -> list[AuditEntry]:
    """Return the latest `limit` recorded writes across all tracked models, newest first.

    One query per tracked model, then one per changed row to find its previous
    version (the page is for admins and bounded by `limit`).
    """
    per_model = [
        model.history.model.objects.select_related("history_user").order_by("-history_date")[:limit]
        for model in tracked_history_models()
    ]
    records = list(merge(*per_model, key=lambda record: record.history_date, reverse=True))[:limit]
    return [
        AuditEntry(
            when=record.history_date,
            who=str(record.history_user) if record.history_user else "(a command or job)",
            action=ACTIONS.get(record.history_type, record.history_type),
            model=record.instance_type._meta.verbose_name,
            object_id=record.history_object.pk if hasattr(record.history_object, "pk") else None,
            object_repr=str(record.history_object),
            changes=_changes(record),
        )
        for record in records
    ]
