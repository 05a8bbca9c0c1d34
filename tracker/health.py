"""GET /healthz: is this instance able to serve and to queue work?"""

import redis
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from alerts.models import AlertDelivery, JobRun
from commitments.models import SourceCheck


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_redis() -> str:
    # Short timeouts: a health probe must answer quickly even when Redis hangs.
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


CHECKS = {"database": check_database, "redis": check_redis}


def last_beat_run() -> dict:
    """Describe the flagging job's last run. Stale after three intervals: beat or the workers are down.

    Reported, not failed on: a web process stays healthy while beat is down.
    """
    run = JobRun.objects.filter(name="flag_deadline_events").first()
    if run is None:
        return {"finished_at": None, "stale": True, "counts": {}}
    age = (timezone.now() - run.finished_at).total_seconds()
    return {
        "finished_at": run.finished_at.isoformat(),
        "seconds_ago": round(age),
        "stale": age > 3 * settings.ALERTS_FLAG_INTERVAL,
        "counts": run.counts,
    }


def last_link_check() -> dict:
    """Describe the link check's latest recorded check (weekly; stale after two weeks). Reported, not failed on."""
    checked_at = SourceCheck.objects.aggregate(latest=Max("checked_at"))["latest"]
    if checked_at is None:
        return {"checked_at": None}
    age = (timezone.now() - checked_at).total_seconds()
    return {"checked_at": checked_at.isoformat(), "stale": age > 14 * 24 * 3600}


def alert_outbox() -> dict:
    """Count alerts that gave up (they wait for `manage.py requeue_alerts`) and those waiting to be sent.

    Reported, not failed on: a give-up is the operator's to handle, not a reason to stop serving.
    """
    counts = dict(
        AlertDelivery.objects.filter(status__in=[AlertDelivery.Status.FAILED, AlertDelivery.Status.PENDING])
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {
        "gave_up": counts.get(AlertDelivery.Status.FAILED, 0),
        "waiting": counts.get(AlertDelivery.Status.PENDING, 0),
    }


@never_cache
def healthz(request):
    """Answer 200 with each check's result, or 503 naming what failed."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # any failure of a dependency is reported, not raised
            results[name] = f"error: {error.__class__.__name__}: {error}"
    healthy = all(result == "ok" for result in results.values())
    try:
        beat = last_beat_run()
    except Exception as error:
        beat = {"error": f"{error.__class__.__name__}: {error}"}
    try:
        link_check = last_link_check()
    except Exception as error:
        link_check = {"error": f"{error.__class__.__name__}: {error}"}
    try:
        outbox = alert_outbox()
    except Exception as error:
        outbox = {"error": f"{error.__class__.__name__}: {error}"}
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "checks": results,
            "last_beat_run": beat,
            "last_link_check": link_check,
            "alerts": outbox,
        },
        status=200 if healthy else 503,
    )
