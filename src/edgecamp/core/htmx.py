"""htmx on server-rendered pages: a view answers an htmx request with the fragment it swaps
in, and any other request with the whole page."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """True for a request htmx sent to swap part of a page. A history restore (the back button
    after an htmx navigation) asks for the whole page even though htmx sends it."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )
