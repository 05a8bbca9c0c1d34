"""Pages of the API's lists. A page number or page size that is not a whole number in its
range is refused with 400 naming the parameter (never silently clamped); a page past the
last one is a 404."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 200
# No list has this many pages; the bound keeps the number within a 32-bit integer.
MAX_PAGE = 2**31 - 1


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    # Only numbers: "last" (DRF's default alias) is not in the documented contract.
    last_page_strings = ()
    page_query_description = _("A page number, from 1; a page past the last one is a 404.")
    page_size_query_description = _("Results per page, from 1 to %(max)d (default %(default)d).")

    def paginate_queryset(self, queryset, request, view=None):
        self.numbers = self.clean_parameters(request)
        return super().paginate_queryset(queryset, request, view)

    def clean_parameters(self, request) -> dict[str, int]:
        """Return `page` and `page_size` as given, or raise a 400 naming the one that is not a
        whole number in its range."""
        numbers, errors = {}, {}
        for name, field in self.fields().items():
            if name in request.query_params:
                try:
                    numbers[name] = field.clean(request.query_params[name])
                except forms.ValidationError as error:
                    errors[name] = error.messages
        if errors:
            raise ValidationError(errors)
        return numbers

    def fields(self) -> dict[str, forms.IntegerField]:
        return {
            self.page_query_param: forms.IntegerField(min_value=1, max_value=MAX_PAGE),
            self.page_size_query_param: forms.IntegerField(min_value=1, max_value=self.max_page_size),
        }

    def get_page_size(self, request) -> int:
        return self.numbers.get(self.page_size_query_param, self.page_size)

    def get_page_number(self, request, paginator) -> int:
        return self.numbers.get(self.page_query_param, 1)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(self.page_query_description),
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(self.page_size_query_description)
                % {"max": self.max_page_size, "default": self.page_size},
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size, "default": self.page_size},
            },
        ]
