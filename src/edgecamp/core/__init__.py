"""Cross-cutting rules every app applies at its boundary, written once: text cleaning
(`text`), plausible dates (`dates`), query-parameter parsing (`params`), the form field and the
API schema base that apply them (`forms`, `schemas`) and the mapping of failure classes to
clear HTTP answers (`errors_http`).

The bottom layer: it imports Django, ninja and pydantic, never another edgecamp app."""
