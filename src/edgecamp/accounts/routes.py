"""Every route the project serves: the pages (a walk of the URL resolver) and the API
operations (ninja's bound routers). The policy test checks each against policy.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

_SAMPLES = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": "0" * 32}


@dataclass(frozen=True)
class WebRoute:
    view_name: str | None
    url: str  # with sample values for the parameters
    callback: Any


@dataclass(frozen=True)
class ApiOperation:
    key: str  # module.function, as in policy.API_OPERATIONS
    method: str
    url: str


def web_routes() -> Iterator[WebRoute]:
    """Pages, that is every route except the API operations (checked per operation)."""
    yield from _walk(get_resolver().url_patterns, None, "/")


def _walk(patterns: list[Any], namespace: str | None, prefix: str) -> Iterator[WebRoute]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _walk(entry.url_patterns, ns, prefix + _sample(entry.pattern))
        elif isinstance(entry, URLPattern):
            if namespace == "api" and getattr(entry.callback, "csrf_exempt", False):
                continue
            url = prefix + _sample(entry.pattern)
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                # What the middleware sees for an unnamed route: the view's dotted path.
                name = resolve(url).view_name
            yield WebRoute(name, url, entry.callback)


def _sample(pattern: Any) -> str:
    """The pattern's text with a sample value for each parameter."""
    if isinstance(pattern, RoutePattern):
        return re.sub(
            r"<(?:(\w+):)?\w+>", lambda m: _SAMPLES.get(m.group(1) or "str", "x"), str(pattern)
        )
    text = str(pattern).lstrip("^").rstrip("$").replace("\\Z", "")
    # Named groups: the first alternative of a list of words, else a number.
    text = re.sub(
        r"\(\?P<\w+>([^)]*)\)",
        lambda m: m.group(1).split("|")[0] if re.fullmatch(r"[\w|]+", m.group(1)) else "1",
        text,
    )
    return text.replace("\\", "")
