"""A link-check run claims each source before fetching it: running twice, or twice at once,
checks nothing twice; sources checked recently wait; the task checks a batch and queues the next."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commitments import link_checks, tasks
from commitments.link_checks import check_source_links
from commitments.models import Source, SourceCheck
from tests.conftest import utc
from tests.factories import make_source

pytestmark = pytest.mark.django_db

NOW = utc(2026, 11, 30, 3, 30)
WEEK = dt.timedelta(days=6)


@pytest.fixture(autouse=True)
def short_timeout(settings):
    settings.SOURCE_LINK_CHECK_TIMEOUT = 0.2


@pytest.fixture
def sources(web_server):
    return [make_source(title=f"Report {n}", url=web_server.page(f"/report-{n}", b"<html>report")) for n in range(3)]


def test_a_second_run_checks_nothing_again(sources):
    first = check_source_links(NOW, older_than=WEEK)
    second = check_source_links(NOW + dt.timedelta(minutes=5), older_than=WEEK)

    assert (first.checked, second.checked) == (3, 0)
    assert SourceCheck.objects.count() == 3


def test_a_source_another_run_has_just_claimed_is_left_to_it(sources, monkeypatch):
    # Run A is between reading which sources are due and claiming the second one when
    # run B claims it: A must leave it alone.
    real_check_source = link_checks.check_source

    def check_then_let_another_run_claim(source, now):
        if source == sources[0]:
            Source.objects.filter(pk=sources[1].pk).update(links_checked_at=now + dt.timedelta(seconds=1))
        return real_check_source(source, now)

    monkeypatch.setattr(link_checks, "check_source", check_then_let_another_run_claim)

    run = check_source_links(NOW, older_than=WEEK)

    assert run.checked == 2
    assert not SourceCheck.objects.filter(source=sources[1]).exists()


def test_a_source_is_checked_again_once_its_last_check_is_older_than_asked(sources):
    check_source_links(NOW, older_than=WEEK)

    assert check_source_links(NOW + dt.timedelta(days=5), older_than=WEEK).checked == 0
    assert check_source_links(NOW + dt.timedelta(days=7), older_than=WEEK).checked == 3
    assert SourceCheck.objects.count() == 6


def test_named_sources_are_checked_however_recently(sources):
    check_source_links(NOW, older_than=WEEK)

    run = check_source_links(NOW + dt.timedelta(minutes=1), older_than=WEEK, source_ids=[sources[2].pk])

    assert run.checked == 1
    assert SourceCheck.objects.filter(source=sources[2]).count() == 2


def test_sources_without_a_link_are_never_checked(db):
    make_source("AP", "First prisoner exchange")

    assert check_source_links(NOW, older_than=WEEK).checked == 0


def test_a_run_stops_at_its_limit_and_says_how_many_remain(sources):
    run = check_source_links(NOW, older_than=WEEK, limit=2)

    assert (run.checked, run.remaining) == (2, 1)
    assert check_source_links(NOW, older_than=WEEK, limit=2).checked == 1


def test_the_command_checks_what_is_due_and_reports_each_link(sources, capsys):
    call_command("check_source_links")
    call_command("check_source_links")

    out = capsys.readouterr().out
    assert f"#{sources[0].pk} web address {sources[0].url}: reachable" in out
    assert "Checked 3 source(s); 0 with a link gone or changed." in out
    assert "Checked 0 source(s)" in out
    assert SourceCheck.objects.count() == 3


def test_the_command_takes_a_source_and_an_age(sources, capsys):
    call_command("check_source_links", "--source", str(sources[0].pk))
    call_command("check_source_links", "--older-than", "0")

    assert SourceCheck.objects.filter(source=sources[0]).count() == 2
    assert SourceCheck.objects.count() == 4


def test_the_command_refuses_an_unknown_source_and_a_negative_age(db):
    with pytest.raises(CommandError, match="No source with id 999"):
        call_command("check_source_links", "--source", "999")
    with pytest.raises(CommandError, match="--older-than must be zero or more"):
        call_command("check_source_links", "--older-than", "-1")
    assert not SourceCheck.objects.exists()


def test_the_weekly_task_checks_a_batch_of_due_sources_and_queues_the_next(settings, monkeypatch):
    settings.SOURCE_LINK_CHECK_OLDER_THAN_DAYS = 6
    settings.SOURCE_LINK_CHECK_BATCH_SIZE = 2
    calls, queued = [], []

    def run(now, *, older_than, limit):
        calls.append((older_than, limit))
        return link_checks.LinkCheckRun(checked=2, remaining=1)

    monkeypatch.setattr(link_checks, "check_source_links", run)
    monkeypatch.setattr(tasks.check_source_links, "delay_on_commit", lambda: queued.append(True))

    assert tasks.check_source_links() == 2
    assert calls == [(dt.timedelta(days=6), 2)]
    assert queued == [True]


def test_the_weekly_task_checks_real_sources_and_stops_when_none_remain(sources, settings, monkeypatch):
    settings.SOURCE_LINK_CHECK_BATCH_SIZE = 5
    queued = []
    monkeypatch.setattr(tasks.check_source_links, "delay_on_commit", lambda: queued.append(True))

    assert tasks.check_source_links() == 3
    assert queued == []
    assert SourceCheck.objects.count() == 3
