"""rundev keeps the app running: a part that exits is started again with a log line (waiting longer
after each quick exit), and "Tracker running at" waits for the web server to answer."""

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from devtools.management.commands.rundev import Part, Supervisor, answers, split_addrport
from tests.live_servers import free_port


def test_a_part_that_exits_is_restarted_with_a_log_line_and_the_others_keep_running():
    lines = []
    dying = Part("Celery worker", [sys.executable, "-c", "raise SystemExit(3)"])
    steady = Part("web server", [sys.executable, "-c", "import time; time.sleep(60)"])
    supervisor = Supervisor([dying, steady], lines.append)
    supervisor.start()
    try:
        dying.process.wait(30)
        now = dying.started_at + 1
        supervisor.check(now)
        assert lines == ["rundev: Celery worker exited with code 3; restarting it in 1 s."]
        supervisor.check(now + 1)
        assert lines[-1] == "rundev: starting Celery worker again (restart 1)."
        dying.process.wait(30)
        supervisor.check(dying.started_at + 1)
        assert lines[-1] == "rundev: Celery worker exited with code 3; restarting it in 2 s."  # quick again: longer
        assert steady.process.poll() is None
    finally:
        supervisor.stop()
    assert steady.process.poll() is not None


def test_the_web_server_counts_as_up_once_it_answers_with_any_status():
    port = free_port()
    assert not answers(f"http://127.0.0.1:{port}/healthz")  # nothing listens yet

    class Unhealthy(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(503)  # /healthz says Redis is down: the server still answers
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Unhealthy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert answers(f"http://127.0.0.1:{port}/healthz")
    finally:
        server.shutdown()
        server.server_close()


def test_addresses_are_read_as_runserver_reads_them():
    assert split_addrport("127.0.0.1:8000") == ("127.0.0.1", 8000)
    assert split_addrport("8001") == ("127.0.0.1", 8001)
    assert split_addrport("[::1]:8002") == ("::1", 8002)


def test_the_demo_receiver_logs_verified_deliveries_and_refuses_forged_ones(tmp_path):
    import datetime as dt

    from standardwebhooks import Webhook

    from alerts.webhooks import new_secret
    from devtools.webhook_receiver import record_delivery

    secret = new_secret()
    body = '{"type":"deadline.went_overdue","data":{"event":{"title":"[Overdue] Kalbajar"}}}'
    now = dt.datetime.now(dt.UTC)
    headers = {
        "webhook-id": "msg_alert_1_2",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign("msg_alert_1_2", now, body),
    }
    assert record_delivery(tmp_path, secret, body.encode(), headers) == (200, "recorded")
    assert record_delivery(tmp_path, secret, body.encode(), headers) == (200, "repeat")
    assert record_delivery(tmp_path, new_secret(), body.encode(), headers)[0] == 401
    assert (tmp_path / "msg_alert_1_2.json").exists()
    assert (tmp_path / "received.log").read_text().splitlines() == [
        "msg_alert_1_2 new deadline.went_overdue [Overdue] Kalbajar",
        "msg_alert_1_2 repeat deadline.went_overdue [Overdue] Kalbajar",
    ]
