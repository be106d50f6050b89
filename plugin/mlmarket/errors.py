"""The one error type for input that cannot be scanned (exit code 2), and how any text is made one safe line."""

from __future__ import annotations

_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` with every character that is not printable escaped, repr-style, so that it prints as one line
    and cannot drive a terminal: control characters (`\\n`, `\\x1b`), line and paragraph separators, format
    characters (bidirectional overrides). Undecodable bytes of a file name, which `os.fsdecode` turns into
    surrogates, are shown as the byte (`\\xff`), as `readers.jsonfile.display_path` shows them; a lone
    surrogate of any other kind as `\\udNNN`. Printable text (accents included) is kept as it is."""
    if text.isprintable():
        return text
    shown = []
    for char in text:
        code = ord(char)
        if char.isprintable():
            shown.append(char)
        elif char in _NAMED_ESCAPES:
            shown.append(_NAMED_ESCAPES[char])
        elif 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's surrogateescape of the byte code - 0xDC00
            shown.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x100:
            shown.append(f"\\x{code:02x}")
        elif code < 0x10000:
            shown.append(f"\\u{code:04x}")
        else:
            shown.append(f"\\U{code:08x}")
    return "".join(shown)


class InputError(Exception):
    """Input mlmarket cannot scan: reported as one line naming the file (and line where known)."""

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """Exactly one line whatever the path or the underlying library said: runs of whitespace in the
        problem become one space, and anything still unprintable (in the path too) is escaped."""
        where = f"{printable(str(self.path))}:{self.line}" if self.line else printable(str(self.path))
        problem = printable(" ".join(str(self.problem).split()))
        return f"{where}: {problem}"
