"""The OpenAPI schema tells the truth about every operation: each parameter says what the
server accepts (integers with their range, choices as an enum, slugs as the enum of those
that exist, free text without NUL characters), and each operation documents the answers it
can give besides 200: 304 (If-None-Match), 400 (which parameter, why), 404 and 429 (with
Retry-After), the errors in one shape (`Error`, see errors.py)."""

from __future__ import annotations

import django_filters
from django.core.validators import RegexValidator
from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

# Free text: anything but the NUL character, which neither the forms nor PostgreSQL accept.
TEXT_PATTERN = r"^[^\x00]+$"
# Row ids are 64-bit (BigAutoField).
MAX_ID = 2**63 - 1


class ErrorSerializer(serializers.Serializer):
    """What every error answer holds."""

    detail = serializers.CharField(help_text=_("What went wrong, in a sentence."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("On a 400: for each invalid query parameter, what is wrong with it."),
    )

    class Meta:
        ref_name = "Error"


ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    response=[200, 304],
    description=_("Version of the data behind this answer; send it back in If-None-Match."),
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    {"type": "integer", "minimum": 0},
    OpenApiParameter.HEADER,
    required=True,
    response=[429],
    description=_("Seconds to wait before the next request."),
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=_("The ETag of an earlier answer: if the data has not changed since, the answer is 304."),
)


class ApiSchema(AutoSchema):
    """drf-spectacular's AutoSchema with the conditional-request headers and the error answers."""

    def _resolve_path_parameters(self, variables) -> list[dict]:
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"].get("type") == "integer":  # a row id, as the database stores it
                parameter["schema"].update(minimum=1, maximum=MAX_ID)
        return parameters

    def get_override_parameters(self) -> list:
        return [*super().get_override_parameters(), IF_NONE_MATCH, ETAG, RETRY_AFTER]

    def get_response_serializers(self) -> dict:
        is_list = getattr(self.view, "action", None) == "list"
        return {
            200: super().get_response_serializers(),
            304: OpenApiResponse(description=_("Not Modified: If-None-Match holds the current ETag. No body.")),
            400: OpenApiResponse(
                ErrorSerializer,
                description=_("Bad Request: a query parameter is invalid; `errors` names it and says why.")
                if is_list
                else _("Bad Request."),
            ),
            404: OpenApiResponse(
                ErrorSerializer,
                description=_("Not Found: no such page of results.") if is_list else _("Not Found: no such record."),
            ),
            429: OpenApiResponse(
                ErrorSerializer, description=_("Too Many Requests: wait the seconds in Retry-After, then ask again.")
            ),
        }


class FilterParameters(DjangoFilterExtension):
    """django-filter's parameters as drf-spectacular describes them, narrowed to exactly what
    each filter's form field accepts, so that a value the schema allows is never refused."""

    target_class = "opendata.api.views.FilterBackend"
    match_subclasses = True
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field) -> list[dict]:
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        for parameter in parameters:
            narrow(parameter["schema"], filter_field)
        return parameters


def narrow(schema: dict, filter_field: django_filters.Filter) -> None:
    """Add to a parameter's `schema` the constraints the filter's form field enforces (read from
    the arguments the field is built with)."""
    extra = filter_field.extra
    if isinstance(filter_field, django_filters.ModelChoiceFilter):
        # The values that exist now: the schema is generated afresh on each request.
        column = extra.get("to_field_name") or "pk"
        try:
            values = sorted(extra["queryset"].order_by().values_list(column, flat=True).distinct())
        except DatabaseError:  # no tables yet (`check --deploy` generates the schema before migrate)
            values = []
        schema.update({"type": "string", "enum": values} if values else {"type": "string"})
    elif schema.get("type") == "array":
        schema["minItems"] = 1
    elif schema.get("type") in ("integer", "number") and "min_value" in extra:
        schema.update(type="integer", minimum=extra["min_value"], maximum=extra["max_value"])
    elif schema.get("type") == "string" and not schema.get("enum") and not schema.get("format"):
        patterns = [v.regex.pattern for v in extra.get("validators", []) if isinstance(v, RegexValidator)]
        # Python's \Z (no newline at the end) is written $ in the schema's ECMAScript dialect.
        schema["pattern"] = patterns[0].replace(r"\Z", "$") if patterns else TEXT_PATTERN
        if extra.get("max_length"):
            schema["maxLength"] = extra["max_length"]
