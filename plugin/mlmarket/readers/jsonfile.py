"""Load a JSON document from disk, turning every way it can be unreadable into one InputError."""

from __future__ import annotations

import json
import os
import stat
from typing import Any

import orjson

from mlmarket.errors import InputError

_ZIP_MAGIC = b"PK\x03\x04"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"


MAX_INPUT_BYTES = 1 << 30
"""The largest file mlmarket reads (1 GiB).

The biggest `terraform show -json` plans seen in practice are a few hundred MB (the robustness suite scans a
200 MB one), and parsing a JSON document takes several times its size in memory: a 1 GiB plan already needs
gigabytes, about what a CI runner has. Past the bound a file is refused with a message, before it is read,
rather than the scan being killed for lack of memory. Terraform source files have their own, smaller bound."""

_SPECIAL_FILES = (
    (stat.S_ISFIFO, "is a named pipe, not a regular file"),
    (stat.S_ISSOCK, "is a socket, not a regular file"),
    (stat.S_ISCHR, "is a character device, not a regular file"),
    (stat.S_ISBLK, "is a block device, not a regular file"),
)


def read_bytes(path: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The content of a regular file of at most `limit` bytes; anything else is an InputError.

    Named pipes, sockets and devices are refused before they are opened (opening a named pipe blocks until a
    writer comes, and a device may never end), and the open itself cannot block: it is non-blocking, and what
    was opened is checked again, so a file swapped for a pipe after the check is refused too."""
    try:
        status = os.stat(path)
        _check_regular(path, status.st_mode, status.st_size, limit)
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except NotADirectoryError:
        raise InputError(path, "no such file (a part of the path is not a directory)") from None
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    try:
        opened = os.fstat(descriptor)
        _check_regular(path, opened.st_mode, opened.st_size, limit)
        with os.fdopen(descriptor, "rb") as handle:
            descriptor = -1
            data = handle.read(limit + 1)
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    finally:
        if descriptor >= 0:
            os.close(descriptor)
    if len(data) > limit:  # the file grew after it was measured
        raise InputError(path, _too_large(limit))
    return data


def _check_regular(path: str, mode: int, size: int, limit: int) -> None:
    if stat.S_ISDIR(mode):
        raise InputError(path, "is a directory, expected a file")
    if not stat.S_ISREG(mode):
        for test, problem in _SPECIAL_FILES:
            if test(mode):
                raise InputError(path, problem)
        raise InputError(path, "is not a regular file")
    if size > limit:
        raise InputError(path, _too_large(limit, size))


def _too_large(limit: int, size: int | None = None) -> str:
    measured = f"is {size:,} bytes" if size is not None else "grew while being read"
    return f"{measured}; mlmarket reads files of at most {limit:,} bytes"


def load_json_document(path: str) -> Any:
    data = read_bytes(path)
    if not data or data.isspace():
        raise InputError(path, "the file is empty")
    if data.startswith(_ZIP_MAGIC):
        raise InputError(
            path,
            "this is a binary Terraform plan; convert it with `terraform show -json tfplan > plan.json`",
        )
    if data.startswith(_UTF16_BOMS):
        raise InputError(
            path, "the file is UTF-16 encoded; Terraform writes UTF-8 (re-save the plan as UTF-8)"
        )
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    try:
        # orjson parses a plan several times faster than json; anything it refuses (invalid UTF-8, integers
        # beyond 64 bits, deep nesting) is parsed again by json, which accepts what it can and words the errors.
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(path, f"invalid UTF-8 at byte {error.start}", line=line) from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise InputError(path, f"invalid JSON: {error.msg} (column {error.colno})", line=error.lineno) from None
    except RecursionError:
        raise InputError(path, "JSON nested too deeply to be a Terraform plan") from None
    except _NotJson as error:
        raise InputError(path, f"invalid JSON: {error} is not a JSON value (Terraform never writes it)") from None
    except ValueError:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
        raise InputError(path, "invalid JSON: a number too long to be read") from None


class _NotJson(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    # json accepts NaN, Infinity and -Infinity, which JSON does not have; a plan holding them was not written by
    # Terraform, and a NaN limit would compare false with everything.
    raise _NotJson(name)


def display_path(path: str) -> str:
    """Paths in findings: relative to the working directory when under it, else as given.

    A file name that is not UTF-8 reaches Python with surrogate escapes, which no report can encode: its
    undecodable bytes are shown as `\\xNN` instead."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        relative = ".."
    shown = path if relative.startswith("..") else relative
    if shown.isascii():
        return shown
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
