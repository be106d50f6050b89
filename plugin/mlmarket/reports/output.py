"""Where reports go: `--format` options paired in order with `--output-file` options (`-`: standard output).

Shared by `mlmarket scan` and `mlmarket audit` so both commands pair, render and write reports alike."""

from __future__ import annotations

import sys

from mlmarket.engine import Result
from mlmarket.reports import render


class OutputError(ValueError):
    """A usage problem with --format/--output-file, or a report that cannot be written."""


def pair_outputs(formats: list[str] | None, output_files: list[str]) -> list[tuple[str, str]]:
    chosen = formats or ["cli"]
    if len(output_files) > len(chosen):
        raise OutputError("more --output-file than --format options")
    destinations = output_files + ["-"] * (len(chosen) - len(output_files))
    if destinations.count("-") > 1:
        raise OutputError("only one --format can go to standard output; give the others an --output-file")
    return list(zip(chosen, destinations, strict=True))


def write_reports(
    results: list[Result], outputs: list[tuple[str, str]], *, quiet: bool = False, cli_suffix: str = ""
) -> None:
    """Render each report and write it; `cli_suffix` is appended to the cli report (the audit's unread list)."""
    for fmt, destination in outputs:
        to_stdout = destination == "-"
        text = render(results, fmt, color=fmt == "cli" and to_stdout and sys.stdout.isatty(), quiet=quiet)
        if fmt == "cli":
            text += cli_suffix
        if to_stdout:
            sys.stdout.write(text)
            continue
        try:
            with open(destination, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            raise OutputError(f"cannot write {destination}: {error.strerror or error}") from None


def cli_on_stdout(outputs: list[tuple[str, str]]) -> bool:
    return ("cli", "-") in outputs
