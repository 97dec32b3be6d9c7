"""The console every `edgecamp` command prints through.

What a command prints mixes our words with values people typed (a donor's name, a site, a
file's cell). Rich would read `[/x]` in such a value as markup and raise after the work was
committed, turn `[link=…]` into a hidden hyperlink, and pass an ESC sequence straight to the
terminal. So here markup, emoji codes and highlighting are off for every string, our own
emphasis is built as `Text` objects (`styled`), control characters are shown escaped, and a
failure to print (a closed pipe, a terminal that cannot encode a name) never fails the command:
whatever was written stays written and the exit code says so.
"""

from __future__ import annotations

import io
import unicodedata
from typing import IO, Any

from rich.console import Console, RenderableType
from rich.protocol import is_renderable
from rich.status import Status
from rich.text import Text

_KEPT = frozenset("\n\t")


def shown(text: str) -> str:
    """`text` with every control character (ESC, BEL, CR, C1…) written as an escape, so a
    value cannot move the cursor, recolour the screen or open a hyperlink."""
    if text.isprintable():
        return text
    return "".join(
        char
        if char in _KEPT or unicodedata.category(char) != "Cc"
        else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


def styled(text: str, style: str) -> Text:
    """Our own emphasis ("Nothing written." in red): a Text, never markup to parse."""
    return Text(shown(text), style=style)


class Terminal(Console):
    def __init__(self, *, stderr: bool = True, file: IO[str] | None = None, **options: Any):
        # soft_wrap: the terminal wraps; rich must not cut a file name or a password in two.
        super().__init__(
            stderr=stderr,
            file=file,
            soft_wrap=True,
            markup=False,
            emoji=False,
            highlight=False,
            **options,
        )

    def render_str(self, text: str, **options: Any) -> Text:
        # Every string rich renders comes through here: print arguments, table cells, titles.
        options["markup"] = False
        options["emoji"] = False
        return super().render_str(shown(text), **options)

    def status(self, status: RenderableType, **options: Any) -> Status:
        # A spinner parses a string as markup whatever the console says.
        return super().status(Text(shown(status)) if isinstance(status, str) else status, **options)

    def print(self, *objects: Any, **options: Any) -> None:
        # An exception or a number would be printed from str() past render_str.
        objects = tuple(o if is_renderable(o) else str(o) for o in objects)
        try:
            super().print(*objects, **options)
        except Exception:  # printing must not turn committed work into a failure
            self._print_plain(objects)

    def on_broken_pipe(self) -> None:
        # Rich exits 1 here; the reader went away, the work did not fail.
        self.quiet = True

    def _print_plain(self, objects: tuple[Any, ...]) -> None:
        try:
            buffer = io.StringIO()
            plain = Terminal(file=buffer, width=self.width, color_system=None)
            Console.print(plain, *objects)
            stream = self.file
            encoding = getattr(stream, "encoding", None) or "utf-8"
            stream.write(
                buffer.getvalue().encode(encoding, "backslashreplace").decode(encoding, "replace")
            )
            stream.flush()
        except Exception:  # noqa: S110 - nowhere left to say it; the exit code still tells
            pass
