"""Logging filters that keep identifiers of registered people out of log files.

Django's request loggers write the URL path of every 4xx/5xx response ("Not Found: /households/
EDG-000123/"), and paths carry household numbers and search terms. The filter keeps the status
and the first path segment (enough to see which page misbehaves) and drops the rest.
"""

import logging


def redact_path(path: str) -> str:
    head = path.split("?", 1)[0].strip("/").split("/", 1)[0]
    return f"/{head}/…" if head else "/"


class RedactRequestPath(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                redact_path(arg) if isinstance(arg, str) and arg.startswith("/") else arg
                for arg in record.args
            )
        request = getattr(record, "request", None)
        if request is not None:
            # The default handlers format `request` into the message; keep only a redacted path.
            record.request = redact_path(getattr(request, "path", "/"))
        return True
