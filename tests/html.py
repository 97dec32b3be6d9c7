"""Reading rendered pages in tests without depending on ids that may coincide across tables."""

from __future__ import annotations

import re


def option_values(html: str, name: str) -> set[str]:
    """The values offered by the <select name=...> of a page (empty if there is none)."""
    found = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    if found is None:
        return set()
    return set(re.findall(r'<option value="([^"]*)"', found.group(1)))
