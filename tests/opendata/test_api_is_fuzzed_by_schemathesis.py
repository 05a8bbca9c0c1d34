"""Every API operation, fuzzed by schemathesis from the OpenAPI schema against the WSGI app:
no server error, and every documented response matches the schema.

Bounded and repeatable: at most MAX_EXAMPLES generated requests per operation, Hypothesis
derandomised (the same requests on every run, no example database) and without the
shrinking phase, so each operation takes a few seconds at most.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.factories import karabakh_like

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 40
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def api_operations() -> list[tuple[str, str]]:
    """Return (method, path) of every operation the schema documents (read without a database)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return [(method.upper(), path) for path, item in document["paths"].items() for method in item]


@pytest.mark.parametrize(("method", "path"), api_operations())
def test_every_api_operation_answers_within_its_schema(settings_override, method, path):
    karabakh_like()  # something to find: an extended deadline, an overdue and a disputed commitment
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    operation = schema.find_operation_by_path(method, path)
    assert operation is not None

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def fuzz(case):
        case.call_and_validate(checks=CHECKS)

    fuzz()


@pytest.fixture
def settings_override(settings):
    settings.API_THROTTLE_RATE = ""  # the fuzzer sends far more requests than a client may
    # Requests go to the WSGI app, whose request signals would close the test's database
    # connection, transaction and all, on PostgreSQL; Django's test client unhooks them too.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
