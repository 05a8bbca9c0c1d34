"""A small webhook receiver for `make run`: verifies each request's Standard Webhooks signature
and logs each verified delivery to a folder (var/webhooks/ by default).

It is what a subscriber's own receiver does (docs/alerts.md has the same steps as an example):
read the raw body, verify `webhook-id`, `webhook-timestamp` and `webhook-signature` with the
endpoint's secret, drop a `webhook-id` already handled, answer 2xx quickly.
"""

from __future__ import annotations

import json
import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from standardwebhooks import Webhook, WebhookVerificationError

logger = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024


def record_delivery(folder: Path, secret: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """Verify one request and, if genuine, log it to `folder`; return (HTTP status, what happened).

    A delivery is one file named by its webhook-id, so a repeat of the same id (a retry whose
    first answer was lost) changes nothing; received.log gets one line per verified request.
    """
    try:
        payload = Webhook(secret).verify(body, headers)
    except (WebhookVerificationError, ValueError) as error:
        return 401, f"signature not verified: {error}"
    webhook_id = {key.lower(): value for key, value in headers.items()}["webhook-id"]
    safe_id = "".join(c for c in webhook_id if c.isalnum() or c in "_-")
    path = folder / f"{safe_id}.json"
    repeat = path.exists()
    if not repeat:
        path.write_text(json.dumps({"webhook-id": webhook_id, "payload": payload}, ensure_ascii=False, indent=2))
    with (folder / "received.log").open("a") as log:
        title = payload.get("data", {}).get("event", {}).get("title", "")
        log.write(f"{webhook_id} {'repeat' if repeat else 'new'} {payload.get('type')} {title}\n")
    return 200, "repeat" if repeat else "recorded"


def serve(host: str, port: int, folder: Path, secret_file: Path) -> None:
    """Serve until interrupted. The secret is read from `secret_file` at each request, so
    `create_demo_subscriber` can write a new one while this runs."""
    folder.mkdir(parents=True, exist_ok=True)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
            body = self.rfile.read(length)
            try:
                secret = secret_file.read_text().strip()
            except OSError:
                status, what = 503, f"no secret in {secret_file} (run create_demo_subscriber)"
            else:
                status, what = record_delivery(folder, secret, body, dict(self.headers.items()))
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(what.encode())

        def log_message(self, format: str, *args) -> None:
            logger.info("webhook receiver: " + format, *args)

    server = ThreadingHTTPServer((host, port), Handler)
    logger.info("Webhook receiver on http://%s:%s/, logging verified deliveries to %s", host, port, folder)
    try:
        server.serve_forever()
    finally:
        server.server_close()
