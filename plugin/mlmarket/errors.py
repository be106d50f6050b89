"""The one error type for input that cannot be scanned (exit code 2)."""

from __future__ import annotations


class InputError(Exception):
    """Input mlmarket cannot scan: reported as one line naming the file (and line where known)."""

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        # Keep it to one line whatever the underlying library said.
        problem = " ".join(str(self.problem).split())
        return f"{where}: {problem}"
