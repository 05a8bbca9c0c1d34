import datetime as dt
import os

import pytest

from commitments.models import Agreement, Commitment, Party, Provision, Source

MOSCOW_ENTRY_INTO_FORCE = dt.datetime(2020, 11, 9, 21, 0, tzinfo=dt.UTC)  # 00:00 MSK, 10 Nov 2020


def skip_or_fail(reason: str) -> None:
    """Skip a test whose real server is missing here; in CI (CI=true) a missing server fails instead."""
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason} — CI must provide it (see .ci/run)")
    pytest.skip(reason)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture
def armenia(db) -> Party:
    return Party.objects.create(slug="armenia", name="Republic of Armenia", short_name="Armenia", kind="state")


@pytest.fixture
def azerbaijan(db) -> Party:
    return Party.objects.create(slug="azerbaijan", name="Republic of Azerbaijan", short_name="Azerbaijan", kind="state")


@pytest.fixture
def russia(db) -> Party:
    return Party.objects.create(slug="russia", name="Russian Federation", short_name="Russia", kind="state")


@pytest.fixture
def agreement(db) -> Agreement:
    return Agreement.objects.create(
        slug="statement",
        title="Trilateral statement",
        signed_on=dt.date(2020, 11, 9),
        time_zone="Europe/Moscow",
        entry_into_force=MOSCOW_ENTRY_INTO_FORCE,
    )


@pytest.fixture
def provision(agreement) -> Provision:
    return Provision.objects.create(agreement=agreement, number="6", position=6, text="Point six.")


@pytest.fixture
def source(db) -> Source:
    return Source.objects.create(
        publisher="Azatutyun",
        title="Moscow 'Satisfied' With Karabakh Truce Implemenation",
        published_on=dt.date(2020, 12, 7),
        language="en",
        kind="news_report",
        url="https://example.org/azatutyun-2020-12-07",
    )


@pytest.fixture
def make_commitment(provision, armenia):
    """Return a function that creates a commitment in point 6, responsible Armenia."""
    counter = iter(range(1, 10_000))

    def make(deadline_kind: str = "date", **fields) -> Commitment:
        number = next(counter)
        defaults = {
            "code": f"commitment-{number}",
            "title": f"Commitment {number}",
            "description": "Do it.",
            "category": "territorial_handover",
        }
        commitment = Commitment.objects.create(
            provision=provision, deadline_kind=deadline_kind, **{**defaults, **fields}
        )
        commitment.responsible_parties.add(armenia)
        return commitment

    return make


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached pages (the database is rolled back between tests, the cache is not)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def monitors_group(db):
    """Return the "Monitors" group, made again by its migration's code if a transactional test flushed it."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    migration = importlib.import_module("commitments.migrations.0002_monitors_group")
    migration.create_monitors_group(apps, None)
    return Group.objects.get(name=migration.MONITORS)
