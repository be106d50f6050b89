"""Load a JSON document from disk, turning every way it can be unreadable into one InputError."""

from __future__ import annotations

import json
import os
from typing import Any

import orjson

from mlmarket.errors import InputError

_ZIP_MAGIC = b"PK\x03\x04"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"


def read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except IsADirectoryError:
        raise InputError(path, "is a directory, expected a file") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None


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
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(path, f"invalid JSON: {error.msg} (column {error.colno})", line=error.lineno) from None
    except RecursionError:
        raise InputError(path, "JSON nested too deeply to be a Terraform plan") from None


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
