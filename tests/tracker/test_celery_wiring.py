"""The Celery app finds the alert tasks and the link check, beat runs them at the intervals in settings, on Redis."""

from celery.schedules import crontab
from django.conf import settings

from alerts import tasks
from tracker.celery import app


def test_beat_runs_the_flagging_and_sending_tasks_at_the_configured_intervals_and_the_link_check_weekly():
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule == {
        "alerts.tasks.flag_deadline_events": settings.ALERTS_FLAG_INTERVAL,
        "alerts.tasks.send_alerts": settings.ALERTS_SEND_INTERVAL,
        "commitments.tasks.check_source_links": crontab(minute=30, hour=3, day_of_week="monday"),
    }
    assert settings.ALERTS_FLAG_INTERVAL == 300
    app.loader.import_default_modules()
    assert set(schedule) <= set(app.tasks)


def test_the_tasks_acknowledge_late_and_retry_database_errors_with_backoff():
    for task in (tasks.flag_deadline_events, tasks.send_alerts):
        assert task.acks_late is True
        assert task.retry_backoff and task.max_retries == 5
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    assert app.conf.task_reject_on_worker_lost is True
