"""Scheduled jobs' last runs: one structured log line per run, and the latest run kept for /healthz."""

from __future__ import annotations

import datetime as dt
import logging

from .models import JobRun

logger = logging.getLogger(__name__)


def record_job_run(name: str, started_at: dt.datetime, finished_at: dt.datetime, **counts: int) -> None:
    """Log one structured line for a run of a scheduled job and keep it as the job's last run."""
    duration_ms = round((finished_at - started_at).total_seconds() * 1000, 1)
    logger.info(
        "job %s: %s",
        name,
        ", ".join(f"{count} {key}" for key, count in counts.items()),
        extra={"job": name, "duration_ms": duration_ms, **counts},
    )
    JobRun.objects.update_or_create(
        name=name, defaults={"started_at": started_at, "finished_at": finished_at, "counts": counts}
    )
