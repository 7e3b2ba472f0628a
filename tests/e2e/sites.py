"""Another origin for embedding tests: a small web server on http://localhost:<port> (the app is on 127.0.0.1),
serving whatever pages a test gives it, with the headers it asks for."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.mail_server import free_port


@dataclass(frozen=True)
class Served:
    body: bytes
    content_type: str
    headers: dict[str, str]


class OtherSite:
    def __init__(self) -> None:
        self.port = free_port()
        self.files: dict[str, Served] = {}
        files = self.files

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                served = files.get(self.path.split("?", 1)[0])
                if served is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", served.content_type)
                self.send_header("Content-Length", str(len(served.body)))
                self.send_header("Cache-Control", "no-store")
                for name, value in served.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(served.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="other-site", daemon=True)

    @property
    def origin(self) -> str:
        return f"http://localhost:{self.port}"

    def serve(
        self,
        body: str | bytes,
        *,
        path: str | None = None,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> str:
        """Serve `body` at `path` (default: a fresh one) and return its absolute URL."""
        path = path or f"/{uuid.uuid4().hex}.html"
        raw = body.encode() if isinstance(body, str) else body
        self.files[path] = Served(raw, content_type, dict(headers or {}))
        return self.origin + path

    def start(self) -> OtherSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
