"""schemathesis runs every phase (the schema's examples, coverage of each parameter's edges,
fuzzing with valid and invalid data, stateful sequences) against the WSGI app with every
check it has for a read-only API, and finds nothing: no server error, every status code,
header, content type and body documented, every request the schema allows accepted and
every one it forbids refused.

Bounded and repeatable: a fixed seed and number of examples per operation, so the same
requests are sent on every run, in about a minute per database.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import connections
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from tests.factories import karabakh_like

# schemathesis sends its requests from worker threads, which have database connections of
# their own: the data must be committed for them to see it.
pytestmark = pytest.mark.django_db(transaction=True)

# Every check `schemathesis run --checks all` runs. The authentication and resource-lifetime
# checks have nothing to find in a read-only API without accounts, and pass trivially.
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
    "object_level_authorization",
]
CONFIG = {
    "seed": 17,
    "workers": 1,  # the test's database transaction is visible to this thread only
    "generation": {"mode": "all", "max-examples": 50, "deterministic": True},
    "checks": {name: {"enabled": True} for name in CHECKS},
    "phases": {
        "examples": {"enabled": True},
        "coverage": {"enabled": True},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": True, "max-steps": 6},
    },
}


def test_schemathesis_finds_no_failure_with_every_check(settings_override):
    karabakh_like()  # something to find: an extended deadline, an overdue and a disputed commitment
    config = SchemathesisConfig.from_dict(CONFIG)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", closing_connections(get_wsgi_application()), config=config)

    failures, errors, scenarios = [], [], 0
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            scenarios += 1
            failures.extend(describe_failures(event.recorder))
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(repr(event))

    assert scenarios > 0
    assert not errors, "\n".join(errors)
    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(failures)


def describe_failures(recorder) -> list[str]:
    """Return each failed check of a scenario as its title and the request that reproduces it."""
    found = []
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.status == Status.FAILURE and check.failure_info is not None:
                failure = check.failure_info.failure
                steps = "\n".join(step.curl for step in check.failure_info.steps) or check.failure_info.code_sample
                response = recorder.find_response(case_id=case_id)
                answer = f"{response.status_code} {response.text[:300]}" if response is not None else ""
                found.append(f"{check.name}: {failure.title}\n{failure.message}\n{steps}\n→ {answer}")
    return sorted(set(found))


def closing_connections(app):
    """Wrap a WSGI app so that each request closes its thread's database connections once
    answered: none is left open when schemathesis's threads end and the database is flushed."""

    def wrapped(environ, start_response):
        try:
            response = app(environ, start_response)
            body = b"".join(response)
            response.close()
            return [body]
        finally:
            connections.close_all()

    return wrapped


@pytest.fixture
def settings_override(settings):
    settings.API_THROTTLE_RATE = ""  # the fuzzer sends far more requests than a client may
