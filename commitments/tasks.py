"""Celery tasks of the domain: thin wrappers that read the clock and call the functions that do the work."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from . import link_checks


@shared_task(
    # The database may be briefly locked or failing over; the check is safe to repeat.
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def check_source_links() -> int:
    """Check the links of a batch of sources not checked for SOURCE_LINK_CHECK_OLDER_THAN_DAYS (weekly,
    from beat); queue the next batch while sources remain due."""
    run = link_checks.check_source_links(
        timezone.now(),
        older_than=dt.timedelta(days=settings.SOURCE_LINK_CHECK_OLDER_THAN_DAYS),
        limit=settings.SOURCE_LINK_CHECK_BATCH_SIZE,
    )
    if run.remaining:
        check_source_links.delay_on_commit()
    return run.checked
