"""The Celery app, configured from Django settings (CELERY_* names), and the worker's consumer."""

import os

from celery import Celery
from celery.worker.consumer import Consumer as CeleryConsumer

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class Consumer(CeleryConsumer):
    """Celery's consumer, surviving the loss of Redis while a task runs (CELERY_WORKER_CONSUMER).

    Celery 5.7.0 closes the broker connection after collect() when the connection is lost;
    5.6 only called collect(). With Redis (kombu 5.7.0) that second close goes wrong when a task
    is running (an unacknowledged message, with acks_late): collect() has already detached the
    transport, but the default channel whose close failed (Redis was down while it restored the
    unacknowledged message) is still attached. Closing it again drops the channel's connection
    pool and then tries to build one from the detached client's hostname: the AttributeError
    ("'NoneType' object has no attribute 'hostname'") is no connection error, so it escapes and
    the worker exits with "Unrecoverable error"; and if it were ignored, the running task's
    acknowledgement would hit the same missing pool when the task ends. So this skips the close
    when collect() has already released the connection, as Celery 5.6 did. Remove it when Celery
    fixes this: the fault drill tests/alerts/test_drill_redis_restarts_mid_fan_out.py shows
    whether it is still needed (it fails without this class).
    """

    def on_connection_error_after_connected(self, exc):
        connection = self.connection
        if connection is not None:
            close = connection.close

            def close_unless_collected() -> None:
                if connection._transport is None:  # collect() released it; nothing is left to close
                    return
                close()

            connection.close = close_unless_collected
        super().on_connection_error_after_connected(exc)
