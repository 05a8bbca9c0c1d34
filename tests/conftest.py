import datetime as dt
import os

import pytest

from commitments.models import Agreement, Party, Provision, Source
from tests.factories import make_agreement, make_party, make_provision, make_source


def skip_or_fail(reason: str) -> None:
    """Skip a test whose real server is missing here; in CI (CI=true) a missing server fails instead."""
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason} — CI must provide it (see .ci/run)")
    pytest.skip(reason)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture
def armenia(db) -> Party:
    return make_party("armenia", "Republic of Armenia", "Armenia")


@pytest.fixture
def azerbaijan(db) -> Party:
    return make_party("azerbaijan", "Republic of Azerbaijan", "Azerbaijan")


@pytest.fixture
def russia(db) -> Party:
    return make_party("russia", "Russian Federation", "Russia")


@pytest.fixture
def agreement(db) -> Agreement:
    """The statement that make_commitment() puts commitments in by default."""
    return make_agreement()


@pytest.fixture
def provision(agreement) -> Provision:
    """Point 6 of the statement, where make_commitment() puts commitments by default."""
    return make_provision(agreement, "6")


@pytest.fixture
def source(db) -> Source:
    return make_source(
        "Azatutyun",
        "Moscow 'Satisfied' With Karabakh Truce Implemenation",
        dt.date(2020, 12, 7),
        url="https://example.org/azatutyun-2020-12-07",
    )


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached pages (the database is rolled back between tests, the cache is not)."""
    from django.core.cache import cache

    from tracker.cached_render import forget_local_copies

    cache.clear()
    forget_local_copies()
    yield
    cache.clear()
    forget_local_copies()


@pytest.fixture
def monitors_group(db):
    """Return the "Monitors" group that migrations make; if a transactional test flushed it, make it again
    from the migrations' permission lists (the alert models' permissions now belong to the app "alerts")."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    # Not the migrations' functions: they set models_module on the app config they are given, and
    # on the project's own registry that would stop post_migrate making content types after a flush.
    group_migration = importlib.import_module("commitments.migrations.0002_monitors_group")
    alerts_migration = importlib.import_module("commitments.migrations.0005_alerts_monitor_permissions")
    sources_migration = importlib.import_module("commitments.migrations.0012_monitors_snapshots_and_link_checks")
    requeue_migration = importlib.import_module("alerts.migrations.0004_requeue_and_webhook_permissions")
    speakers_migration = importlib.import_module("commitments.migrations.0016_monitors_speakers")
    incidents_migration = importlib.import_module("commitments.migrations.0023_monitors_incidents")
    review_migration = importlib.import_module("commitments.migrations.0025_monitors_review")
    incident_review_migration = importlib.import_module("commitments.migrations.0027_monitors_review_incidents")
    links_migration = importlib.import_module("commitments.migrations.0030_monitors_links_events_version_deadlines")
    group, created = Group.objects.get_or_create(name=group_migration.MONITORS)
    if created:
        codenames = (
            [f"{action}_{model}" for model, actions in group_migration.PERMISSIONS.items() for action in actions]
            + speakers_migration.CODENAMES
            + incidents_migration.CODENAMES
            + review_migration.CODENAMES
            + incident_review_migration.CODENAMES
            + links_migration.CODENAMES
        )
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="commitments", codename__in=codenames + sources_migration.CODENAMES
            )
            | Permission.objects.filter(
                content_type__app_label="alerts", codename__in=alerts_migration.CODENAMES + requeue_migration.CODENAMES
            )
        )
    return group


@pytest.fixture(scope="module")
def all_seeds_loaded(django_db_setup, django_db_blocker):
    """Every shipped seed, loaded once for the module (loaded_once_per_module)."""
    from tests.factories import load_all_seeds, loaded_once_per_module

    yield from loaded_once_per_module(django_db_blocker, load_all_seeds)


@pytest.fixture(scope="module")
def karabakh_seed_loaded(django_db_setup, django_db_blocker):
    """The 2020 statement's seed, loaded once for the module (loaded_once_per_module)."""
    from django.conf import settings

    from commitments.seeding import load_agreement_file
    from tests.factories import loaded_once_per_module

    yield from loaded_once_per_module(
        django_db_blocker, lambda: load_agreement_file(settings.BASE_DIR / "seeds" / "karabakh-2020.yaml")
    )


@pytest.fixture(scope="module")
def karabakh_like_loaded(django_db_setup, django_db_blocker):
    """karabakh_like()'s data, built once for the module (loaded_once_per_module). Tests read it
    through a fixture of their module that returns read_afresh() of it."""
    from tests.factories import karabakh_like, loaded_once_per_module

    yield from loaded_once_per_module(django_db_blocker, karabakh_like)


@pytest.fixture
def snapshot_storage(settings, tmp_path):
    """Keep stored copies of sources in a folder of this test's own; return the folder."""
    folder = tmp_path / "source-snapshots"
    settings.STORAGES = {
        **settings.STORAGES,
        "source_snapshots": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    return folder


@pytest.fixture
def web_server():
    """An HTTP server on loopback that the test tells what to answer (tests/live_servers.py)."""
    from tests.live_servers import LoopbackWebServer

    server = LoopbackWebServer().start()
    yield server
    server.stop()


def pytest_terminal_summary(terminalreporter):
    """List the fault drills' numbers (tests/alerts: deliveries, lost, duplicated) at the end of the run."""
    lines = [
        value
        for outcome in ("passed", "failed", "error")
        for report in terminalreporter.stats.get(outcome, [])
        if getattr(report, "when", None) == "call"
        for key, value in getattr(report, "user_properties", [])
        if key == "drill"
    ]
    if lines:
        terminalreporter.section("fault drills: deliveries per recipient and endpoint")
        for line in lines:
            terminalreporter.write_line(line)
