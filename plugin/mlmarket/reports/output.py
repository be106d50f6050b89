"""Where reports go: `--format` options paired in order with `--output-file` options (`-`: standard output).

Shared by `mlmarket scan` and `mlmarket audit` so both commands pair, render and write reports alike, with the
same protections: a destination is checked before anything is read (a directory, a disk device, a missing
folder, a configuration file, the same file twice: refused), a scan refuses a destination that is one of its
inputs (`refuse_inputs`), a report is always encodable where it goes, and a report that cannot be delivered
(a full device, an I/O error) is an `OutputError`, never a traceback and never a pass."""

from __future__ import annotations

import codecs
import os
import stat
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from mlmarket.baseline import Comparison
from mlmarket.engine import Result
from mlmarket.errors import printable
from mlmarket.reports import NO_COMPARISON, render

if TYPE_CHECKING:
    from mlmarket.reports.accounts import AccountStatus

STDOUT = "-"
CONFIG_FILE_NAMES = (".mlmarket.yaml", ".mlmarket.yml")
# What a directory scan reads (Terraform files, variables files, installed modules, configuration): a report
# never takes such a name inside a scanned directory, where it would overwrite a source or be read next time.
_READ_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")


class OutputError(ValueError):
    """A usage problem with --format/--output-file, or a report that cannot be written."""


def pair_outputs(formats: list[str] | None, output_files: list[str]) -> list[tuple[str, str]]:
    chosen = formats or ["cli"]
    if len(output_files) > len(chosen):
        raise OutputError("more --output-file than --format options")
    destinations = output_files + [STDOUT] * (len(chosen) - len(output_files))
    if destinations.count(STDOUT) > 1:
        raise OutputError("only one --format can go to standard output; give the others an --output-file")
    seen: list[str] = []
    for destination in destinations:
        if destination == STDOUT:
            continue
        _check_destination(destination)
        if any(_same_file(destination, other) for other in seen):
            raise OutputError(f"--output-file {printable(destination)} is given twice; nothing was written")
        seen.append(destination)
    return list(zip(chosen, destinations, strict=True))


def _check_destination(destination: str) -> None:
    """Refuse, before anything is read, a destination no report can go to. Regular files (new or existing),
    character devices (`/dev/null`, `/dev/stdout` on a terminal) and pipes (`/dev/stdout` in a pipeline,
    `>(gzip > r.gz)`) are written as given; `-` is standard output."""
    shown = printable(destination)
    if destination == "":
        raise OutputError("--output-file is empty (use - for standard output)")
    if os.path.basename(os.path.normpath(destination)) in CONFIG_FILE_NAMES:
        raise OutputError(f"--output-file {shown} is an mlmarket configuration file; nothing was written")
    try:
        mode = os.stat(destination).st_mode
    except FileNotFoundError:
        folder = os.path.dirname(os.path.abspath(destination))
        if not os.path.isdir(folder):
            raise OutputError(f"cannot write {shown}: no such directory {printable(folder)}") from None
        return
    except OSError as error:
        raise OutputError(f"cannot write {shown}: {printable(str(error.strerror or error))}") from None
    if stat.S_ISDIR(mode):
        raise OutputError(f"--output-file {shown} is a directory; nothing was written")
    if not (stat.S_ISREG(mode) or stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        raise OutputError(
            f"--output-file {shown} is not a regular file, a character device or a pipe; nothing was written"
        )


def refuse_inputs(
    outputs: list[tuple[str, str]], files: Iterable[str], folders: Iterable[str], option: str = "--output-file"
) -> None:
    """Refuse a destination that is an input of the scan, before the scan (nothing the tool reads is ever
    modified): one of `files` (a plan, a configuration file), by real path or, for a hard link, by identity;
    or, inside one of `folders` (scanned directories, `--source-dir`), a file the scan reads or would read
    (`*.tf`, `*.tf.json`, `*.tfvars`, `*.tfvars.json`, `.mlmarket.yaml`, anything under `.terraform/`)."""
    destinations = [d for _, d in outputs if d != STDOUT]
    if not destinations:
        return
    files = [f for f in files if os.path.exists(f)]
    real_folders = [os.path.realpath(f) for f in folders if os.path.isdir(f)]
    for destination in destinations:
        real = os.path.realpath(destination)
        targets_input = any(real == os.path.realpath(f) or _same_file(destination, f) for f in files) or any(
            _read_in_folder(real, folder) for folder in real_folders
        )
        if not targets_input and _hard_linked(destination):
            identity = _identity(destination)
            targets_input = any(identity in _read_identities(folder) for folder in real_folders)
        if targets_input:
            raise OutputError(f"{option} {printable(destination)} is an input of this scan; nothing was written")


def refuse_output_to(outputs: list[tuple[str, str]], path: str, option: str) -> None:
    """Refuse an --output-file that is `path`, which `option` writes (`--create-baseline FILE`)."""
    for _, destination in outputs:
        if destination != STDOUT and _same_file(destination, path):
            shown = printable(destination)
            raise OutputError(f"--output-file {shown} is the file {option} writes; nothing was written")


def _read_in_folder(real: str, folder: str) -> bool:
    if real != folder and not real.startswith(folder.rstrip(os.sep) + os.sep):
        return False
    relative = os.path.relpath(real, folder).split(os.sep)
    return ".terraform" in relative[:-1] or _read_name(relative[-1])


def _read_name(name: str) -> bool:
    return name.endswith(_READ_SUFFIXES) or name in CONFIG_FILE_NAMES


def _same_file(a: str, b: str) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _identity(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _hard_linked(path: str) -> bool:
    try:
        info = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_nlink > 1


def _read_identities(folder: str) -> set[tuple[int, int] | None]:
    """Device and inode of every file a scan of `folder` reads: only walked for an existing output with
    several hard links, so the common case costs no walk."""
    identities: set[tuple[int, int] | None] = set()
    for directory, _, names in os.walk(folder):
        under_terraform = ".terraform" in os.path.relpath(directory, folder).split(os.sep)
        for name in names:
            if under_terraform or _read_name(name):
                identities.add(_identity(os.path.join(directory, name)))
    identities.discard(None)
    return identities


def refuse_results_files(outputs: list[tuple[str, str]], results: list[Result]) -> None:
    """After the scan, before any write: a destination that is a file a finding comes from (a module read
    from outside the scanned directory) is an input too."""
    destinations = [d for _, d in outputs if d != STDOUT and os.path.exists(d)]
    if not destinations:
        return
    sources = {r.file for r in results if r.file}
    identities = {_identity(f) for f in sources} - {None}
    for destination in destinations:
        if _identity(destination) in identities:
            raise OutputError(f"--output-file {printable(destination)} is an input of this scan; nothing was written")


def write_reports(
    results: list[Result],
    outputs: list[tuple[str, str]],
    *,
    quiet: bool = False,
    cli_suffix: str = "",
    comparison: Comparison = NO_COMPARISON,
    accounts: Sequence[AccountStatus] | None = None,
) -> None:
    """Render each report and write it; `cli_suffix` is appended to the cli report (the audit's unread list),
    `accounts` are an organization audit's (see render)."""
    for fmt, destination in outputs:
        to_stdout = destination == STDOUT
        color = fmt == "cli" and to_stdout and _isatty(sys.stdout)
        text = render(results, fmt, color=color, quiet=quiet, comparison=comparison, accounts=accounts)
        if fmt == "cli":
            text += cli_suffix
        if to_stdout:
            write_stdout(text, fmt)
            continue
        try:
            with open(destination, "w", encoding="utf-8") as handle:
                handle.write(encodable(text, fmt, "utf-8"))
        except OSError as error:
            raise OutputError(
                f"cannot write {printable(destination)}: {printable(str(error.strerror or error))}"
            ) from None


def write_stdout(text: str, fmt: str = "cli") -> None:
    """Write `text` to standard output and flush it, so that a report which cannot be delivered is known
    here. A reader that went away (`| head`) is not an error: standard output is silenced and the command's
    verdict stands. Any other failure (a full device, an I/O error) is an `OutputError`."""
    stream = sys.stdout
    try:
        stream.write(encodable(text, fmt, getattr(stream, "encoding", None) or "utf-8"))
        stream.flush()
    except BrokenPipeError:
        silence_stdout()
    except OSError as error:
        silence_stdout()
        raise OutputError(f"cannot write the report to standard output: {error.strerror or error}") from None


def silence_stdout() -> None:
    """After standard output failed: send what is still buffered, and anything later, to the null device, so
    that no later flush raises again (Python's recipe for SIGPIPE)."""
    try:
        fd = sys.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
    except (AttributeError, OSError, ValueError):  # not a real file (a test's stream): replace it
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (lives until the process ends)
        return
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)


def encodable(text: str, fmt: str, encoding: str) -> str:
    """`text` with every character `encoding` cannot hold escaped as the format allows it: JSON and SARIF
    `\\uXXXX` (only strings hold non-ASCII text, so the document means the same), JUnit XML and HTML `&#N;`, the cli
    and Markdown `\\xNN`/`\\uXXXX`. An ASCII terminal (`PYTHONIOENCODING=ascii`, `LANG=C`) then gets the whole
    report, and an undecodable file name (a surrogate) cannot crash a UTF-8 one."""
    if text.isascii():
        return text
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        pass
    except LookupError:
        encoding = "utf-8"
    handlers = {"json": _JSON_ESCAPE, "sarif": _JSON_ESCAPE, "junit": "xmlcharrefreplace", "html": "xmlcharrefreplace"}
    errors = handlers.get(fmt, "backslashreplace")
    return text.encode(encoding, errors).decode(encoding)


def _json_escape(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    escaped = []
    for char in error.object[error.start : error.end]:
        code = ord(char)
        if code > 0xFFFF:  # a UTF-16 surrogate pair, as JSON spells characters beyond the BMP
            code -= 0x10000
            escaped.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            escaped.append(f"\\u{code:04x}")
    return "".join(escaped), error.end


_JSON_ESCAPE = "mlmarket.json-escape"
codecs.register_error(_JSON_ESCAPE, _json_escape)


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False


def cli_on_stdout(outputs: list[tuple[str, str]]) -> bool:
    return ("cli", STDOUT) in outputs
