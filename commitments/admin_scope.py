"""Monitors see and change only the agreements they are assigned to, everywhere in the admin.

The rule itself is Agreement.objects.visible_to(user); this module applies it to every
model the admin shows, through the path from the model to its agreement.
"""

from __future__ import annotations

from django.db import models

from .models import (
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
    Provision,
    StatusUpdate,
    VersionDeadline,
)

# Where each model finds its agreement. Other apps add theirs with scope_by_agreement().
AGREEMENT_PATHS: dict[type[models.Model], str] = {
    Agreement: "",
    AgreementText: "agreement",
    AgreementEvent: "agreement",
    AgreementLink: "from_agreement",
    Provision: "agreement",
    VersionDeadline: "commitment__provision__agreement",
    Commitment: "provision__agreement",
    DeadlineChange: "commitment__provision__agreement",
    StatusUpdate: "commitment__provision__agreement",
    Evidence: "status_update__commitment__provision__agreement",
    Claim: "commitment__provision__agreement",
    Incident: "agreement",
    IncidentEvidence: "incident__agreement",
    CasualtyReport: "incident__agreement",
}


def scope_by_agreement(model: type[models.Model], path: str) -> None:
    """Limit monitors to their agreements' rows of `model`, found through the lookup `path`."""
    AGREEMENT_PATHS[model] = path


def visible_to(queryset, request):
    """Return `queryset` limited to the agreements the requesting user may monitor."""
    path = AGREEMENT_PATHS.get(queryset.model)
    if path is None:
        return queryset  # parties and sources are shared by all agreements
    agreements = Agreement.objects.visible_to(request.user)
    return queryset.filter(**{f"{path}__in" if path else "pk__in": agreements.values("pk")})


class AgreementScopedMixin:
    """Monitors see and change only the agreements they are assigned to, everywhere in the
    admin: lists, change pages, autocomplete (which asks the target's get_queryset) and
    the choices of every foreign key and inline."""

    def get_queryset(self, request):
        return visible_to(super().get_queryset(request), request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = visible_to(field.queryset, request)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = visible_to(field.queryset, request)
        return field
