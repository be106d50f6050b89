"""Terraform's filesystem functions: abspath, basename, dirname, pathexpand, file, filebase64, fileexists,
fileset, the file hash functions, templatefile and templatestring.

Paths behave as in Terraform: `~` expands to the home directory (go-homedir: $HOME), a relative path is joined to
the directory Terraform runs in (`CallContext.module_dir`: the root module's directory, for every module), and
paths are cleaned as Go's filepath.Clean does. Unlike Terraform, a file is read only when its real path (symbolic
links resolved) lies inside one of `CallContext.readable_roots`, and only up to `CallContext.max_file_bytes`;
anything else is a FunctionError naming the path. fileset matches as Terraform's doublestar (v1.1.5) does.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mlmarket.terraform.functions import CallContext, FunctionError
from mlmarket.terraform.functions._common import param, register, unknown_of, unmark
from mlmarket.terraform.values import (
    BOOL,
    DYNAMIC,
    STRING,
    ConversionError,
    MapType,
    ObjectType,
    SetType,
    Value,
    convert,
    set_of,
)

# --- Go's path handling ------------------------------------------------------------------------------------------


def go_clean(path: str) -> str:
    """Go's filepath.Clean on a Unix system."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def go_join(*elements: str) -> str:
    joined = "/".join(e for e in elements if e)
    return go_clean(joined) if joined else ""


def go_base(path: str) -> str:
    if path == "":
        return "."
    path = path.rstrip("/")
    if path == "":
        return "/"
    return path[path.rfind("/") + 1 :] or "/"


def go_dir(path: str) -> str:
    index = path.rfind("/")
    return go_clean(path[: index + 1])


def _home() -> str:
    home = os.environ.get("HOME")
    if home:
        return home
    return os.path.expanduser("~")


def expand_home(path: str) -> str:
    """go-homedir's Expand."""
    if not path or path[0] != "~":
        return path
    if len(path) > 1 and path[1] not in "/\\":
        raise FunctionError("cannot expand user-specific home dir")
    return go_join(_home(), path[1:])


def _base_dir(context: CallContext) -> str:
    return os.path.abspath(context.module_dir)


def _resolve(context: CallContext, path: str) -> str:
    """Terraform's openFile path: ~ expanded, joined to the base directory when relative, cleaned."""
    try:
        path = expand_home(path)
    except FunctionError as error:
        raise FunctionError(f"failed to expand ~: {error}", 0) from None
    if not path.startswith("/"):
        path = go_join(_base_dir(context), path)
    return go_clean(path)


def _inside_roots(context: CallContext, real: str) -> bool:
    for root in context.readable_roots:
        root_real = os.path.realpath(root)
        if real == root_real or real.startswith(root_real.rstrip("/") + "/"):
            return True
    return False


def _check_readable(context: CallContext, path: str, shown: str) -> str:
    real = os.path.realpath(path)
    if not _inside_roots(context, real):
        raise FunctionError(f"{shown} is outside the scanned directory: mlmarket reads files only there", 0)
    return real


def _shown(path: str, marked: bool) -> str:
    return "(sensitive value)" if marked else path


def _read_bytes(context: CallContext, path: str, marked: bool) -> bytes:
    full = _resolve(context, path)
    shown = _shown(full, marked)
    real = _check_readable(context, full, shown)
    try:
        info = os.stat(real)
    except FileNotFoundError:
        raise FunctionError(
            f"no file exists at {_shown(path, marked)}; this function works only with files that are "
            "distributed as part of the configuration source code, so if this file will be created by a "
            "resource in this configuration you must instead obtain this result from an attribute of that "
            "resource",
            0,
        ) from None
    except OSError as error:
        raise FunctionError(f"failed to read {shown}: {error.strerror}", 0) from None
    if stat.S_ISDIR(info.st_mode):
        raise FunctionError(f"failed to read file: read {shown}: is a directory", 0)
    if info.st_size > context.max_file_bytes:
        raise FunctionError(f"{shown} is larger than mlmarket reads ({context.max_file_bytes} bytes)", 0)
    try:
        with open(real, "rb") as handle:
            data = handle.read(context.max_file_bytes + 1)
    except OSError as error:
        raise FunctionError(f"failed to read {shown}: {error.strerror}", 0) from None
    if len(data) > context.max_file_bytes:
        raise FunctionError(f"{shown} is larger than mlmarket reads ({context.max_file_bytes} bytes)", 0)
    return data


def _read_text(context: CallContext, path: str, marked: bool) -> str:
    data = _read_bytes(context, path, marked)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FunctionError(
            f"contents of {_shown(path, marked)} are not valid UTF-8; use the filebase64 function to obtain the "
            "Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file "
            "hashing results instead",
            0,
        ) from None


# --- pure path functions -----------------------------------------------------------------------------------------


@register("basename", [param("path", STRING)], returns=STRING)
def _basename(context: CallContext, args: Sequence[Value]) -> Value:
    return Value(STRING, go_base(args[0].raw))


@register("dirname", [param("path", STRING)], returns=STRING)
def _dirname(context: CallContext, args: Sequence[Value]) -> Value:
    return Value(STRING, go_dir(args[0].raw))


@register("abspath", [param("path", STRING)], returns=STRING)
def _abspath(context: CallContext, args: Sequence[Value]) -> Value:
    # filepath.Abs against the directory Terraform runs in (the root module's), which mlmarket calls module_dir.
    path = args[0].raw
    if path.startswith("/"):
        return Value(STRING, go_clean(path))
    return Value(STRING, go_join(_base_dir(context), path))


@register("pathexpand", [param("path", STRING)], returns=STRING)
def _pathexpand(context: CallContext, args: Sequence[Value]) -> Value:
    return Value(STRING, expand_home(args[0].raw))


# --- reading files -----------------------------------------------------------------------------------------------

_PATH_PARAM = param("path", STRING, allow_unknown=True, allow_marked=True)


def _no_filesystem_in_templatestring(context: CallContext, name: str) -> None:
    if isinstance(context, TemplateContext) and not context.allow_filesystem:
        raise FunctionError(
            f"cannot use filesystem access functions like {name} in templatestring templates; consider passing "
            "the function result as a template variable instead"
        )


@register("file", [_PATH_PARAM], returns=STRING)
def _file(context: CallContext, args: Sequence[Value]) -> Value:
    _no_filesystem_in_templatestring(context, "file")
    path, marked = unmark(args[0])
    if not path.is_known:
        return unknown_of(STRING, [path], marked)
    return Value(STRING, _read_text(context, path.raw, marked), marked)


@register("filebase64", [_PATH_PARAM], returns=STRING)
def _filebase64(context: CallContext, args: Sequence[Value]) -> Value:
    _no_filesystem_in_templatestring(context, "filebase64")
    path, marked = unmark(args[0])
    if not path.is_known:
        return unknown_of(STRING, [path], marked)
    data = _read_bytes(context, path.raw, marked)
    return Value(STRING, base64.b64encode(data).decode("ascii"), marked)


@register("fileexists", [_PATH_PARAM], returns=BOOL)
def _fileexists(context: CallContext, args: Sequence[Value]) -> Value:
    _no_filesystem_in_templatestring(context, "fileexists")
    path, marked = unmark(args[0])
    if not path.is_known:
        return unknown_of(BOOL, [path], marked)
    full = _resolve(context, path.raw)
    shown = _shown(full, marked)
    real = _check_readable(context, full, shown)
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return Value(BOOL, False, marked)
    except OSError:
        raise FunctionError(f"failed to stat {shown}", 0) from None
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return Value(BOOL, True, marked)
    if stat.S_ISDIR(mode):
        raise FunctionError(f"{shown} is a directory, not a file", 1)
    raise FunctionError(f"{shown} is not a regular file", 1)


def _hash_function(name: str, digest: Callable[[bytes], str]) -> None:
    @register(name, [param("path", STRING)], returns=STRING)
    def implementation(context: CallContext, args: Sequence[Value]) -> Value:
        _no_filesystem_in_templatestring(context, name)
        return Value(STRING, digest(_read_bytes(context, args[0].raw, args[0].sensitive)))


_hash_function("filemd5", lambda data: hashlib.md5(data).hexdigest())
_hash_function("filesha1", lambda data: hashlib.sha1(data).hexdigest())
_hash_function("filesha256", lambda data: hashlib.sha256(data).hexdigest())
_hash_function("filesha512", lambda data: hashlib.sha512(data).hexdigest())
_hash_function("filebase64sha256", lambda data: base64.b64encode(hashlib.sha256(data).digest()).decode("ascii"))
_hash_function("filebase64sha512", lambda data: base64.b64encode(hashlib.sha512(data).digest()).decode("ascii"))


# --- fileset: doublestar v1.1.5 ---------------------------------------------------------------------------------


class _BadPattern(Exception):
    pass


def _index_unescaped(text: str, char: str) -> int:
    """doublestar's indexRuneWithEscaping."""
    end = text.find(char)
    if end == -1:
        return -1
    if end > 0 and text[end - 1] == "\\":
        start = end + 1
        rest = _index_unescaped(text[start:], char)
        return rest + start if rest != -1 else -1
    return end


def _split_unescaped(path: str, separator: str) -> list[str]:
    """doublestar's splitPathOnSeparator."""
    if separator not in path:
        return [path]
    parts: list[str] = []
    start = 0
    empty_end = False
    while start < len(path):
        end = _index_unescaped(path[start:], separator)
        if end == -1:
            empty_end = False
            end = len(path)
        else:
            empty_end = True
            end += start
        parts.append(path[start:end])
        start = end + 1
    if empty_end:
        parts.append("")
    return parts


def _match_component(pattern: str, name: str) -> bool:
    """doublestar's matchComponent (runes: Python characters)."""
    if not pattern and not name:
        return True
    if not pattern:
        return False
    if not name and pattern != "*":
        return False
    p = n = 0
    while p < len(pattern) and n < len(name):
        char = pattern[p]
        if char == "\\":
            p += 1
            if p >= len(pattern):
                raise _BadPattern
            if pattern[p] == name[n]:
                p += 1
                n += 1
            else:
                return False
        elif char == "*":
            p += 1
            if p >= len(pattern):
                return True
            while n < len(name):
                try:
                    if _match_component(pattern[p:], name[n:]):
                        return True
                except _BadPattern:
                    pass
                n += 1
            return False
        elif char == "[":
            p += 1
            end = _index_unescaped(pattern[p:], "]")
            if end == -1:
                raise _BadPattern
            end += p
            runes = pattern[p:end]
            if not runes:
                raise _BadPattern
            index = 1 if runes[0] == "^" else 0
            matched = False
            while index < len(runes):
                low = runes[index]
                if low == "-":
                    raise _BadPattern
                index += 1
                if low == "\\":
                    if index < len(runes):
                        low = runes[index]
                        index += 1
                    else:
                        raise _BadPattern
                high = low
                if index < len(runes) and runes[index] == "-":
                    index += 1
                    if index >= len(runes):
                        raise _BadPattern
                    high = runes[index]
                    if high == "-":
                        raise _BadPattern
                    index += 1
                    if high == "\\":
                        if index < len(runes):
                            high = runes[index]
                            index += 1
                        else:
                            raise _BadPattern
                if low <= name[n] <= high:
                    matched = True
            if matched == (runes[0] == "^"):
                return False
            p = end + 1
            n += 1
        elif char == "{":
            p += 1
            end = _index_unescaped(pattern[p:], "}")
            if end == -1:
                raise _BadPattern
            end += p
            options = _split_unescaped(pattern[p:end], ",")
            p = end + 1
            return any(_match_component(option + pattern[p:], name[n:]) for option in options)
        elif char == "?" or char == name[n]:
            p += 1
            n += 1
        else:
            return False
    if p >= len(pattern) and n >= len(name):
        return True
    return (n >= len(name) and pattern[p:] == "*") or pattern[p:] == "**"


@dataclass
class _Globber:
    context: CallContext
    shown: str
    visited: int = 0

    def glob(self, pattern: str) -> list[str]:
        components = _split_unescaped(pattern, "/")
        if not components:
            return []
        if components[0] == "":
            return self.walk("/", components[1:])
        return self.walk(".", components)

    def _directory_entries(self, directory: str) -> list[tuple[str, bool, bool]]:
        """(name, is a directory, is a symbolic link) of a directory's entries; a directory outside the readable
        roots is an error."""
        real = os.path.realpath(directory)
        if not _inside_roots(self.context, real):
            raise FunctionError(f"{directory} is outside the scanned directory: mlmarket reads files only "
                                "there", 1)
        self.visited += 1
        if self.visited > 20000:
            raise FunctionError(f"fileset of {self.shown} visits too many directories", 1)
        entries = []
        try:
            with os.scandir(directory) as iterator:
                for entry in iterator:
                    try:
                        is_dir = entry.is_dir(follow_symlinks=True)
                    except OSError:
                        is_dir = False
                    entries.append((entry.name, is_dir, entry.is_symlink()))
        except OSError:
            return []
        return entries

    def walk(self, base: str, components: list[str]) -> list[str]:
        matches: list[str] = []
        index = 0
        while index < len(components) and not any(c in components[index] for c in "*?[{\\"):
            index += 1
        if index > 0:
            base = go_join(base, *components[:index])
        try:
            info = os.lstat(base)
        except OSError:
            return matches
        if index >= len(components):
            matches.append(base)
            return matches
        if stat.S_ISLNK(info.st_mode):
            try:
                info = os.stat(base)
            except OSError:
                return matches
        if not stat.S_ISDIR(info.st_mode):
            return matches
        entries = self._directory_entries(base)
        last = index + 1 >= len(components)
        if components[index] == "**":
            for name, is_dir, _ in entries:
                child = go_join(base, name)
                if is_dir:
                    if last:
                        matches.append(child)
                    matches.extend(self.walk(child, components[index:]))
                elif last:
                    matches.append(child)
            if last:
                return matches
            index += 1
            last = index + 1 >= len(components)
        for name, _, _ in entries:
            if _match_component(components[index], name):
                child = go_join(base, name)
                if last:
                    matches.append(child)
                else:
                    matches.extend(self.walk(child, components[index + 1 :]))
        return matches


@register(
    "fileset",
    [_PATH_PARAM, param("pattern", STRING, allow_unknown=True, allow_marked=True)],
    returns=SetType(STRING),
)
def _fileset(context: CallContext, args: Sequence[Value]) -> Value:
    _no_filesystem_in_templatestring(context, "fileset")
    path_value, path_marked = unmark(args[0])
    pattern_value, pattern_marked = unmark(args[1])
    marked = path_marked or pattern_marked
    if not path_value.is_known or not pattern_value.is_known:
        return unknown_of(SetType(STRING), [path_value, pattern_value], marked)
    path = path_value.raw
    if not path.startswith("/"):
        path = go_join(_base_dir(context), path)
    pattern = go_join(path, pattern_value.raw)
    shown = _shown(pattern, marked)
    try:
        matches = _Globber(context, shown).glob(pattern)
    except _BadPattern:
        raise FunctionError(f"failed to glob pattern {shown}: syntax error in pattern") from None
    names: list[Value] = []
    for match in matches:
        real = os.path.realpath(match)
        if not _inside_roots(context, real):
            raise FunctionError(f"{_shown(match, marked)} is outside the scanned directory: mlmarket reads files "
                                "only there", 1)
        try:
            info = os.stat(match)
        except OSError as error:
            raise FunctionError(f"failed to stat {_shown(match, marked)}: {error.strerror}") from None
        if not stat.S_ISREG(info.st_mode):
            continue
        names.append(Value(STRING, os.path.relpath(match, go_clean(path))))
    return set_of(STRING, names, marked)


# --- templates ----------------------------------------------------------------------------------------------------


@dataclass
class TemplateContext(CallContext):
    """The CallContext of the functions a template calls: templatefile and templatestring refuse to run inside
    one, and templatestring's templates may not read files."""

    allow_filesystem: bool = True


_IDENTIFIER = re.compile(r"^[^\W\d][\w-]*$")


def _template_variables(node: object) -> list[tuple[str, int]]:
    """The root names a template refers to (hclsyntax's Variables()): every variable not bound by a for
    expression or template for directive around it."""
    from mlmarket.terraform.syntax import ast

    found: list[tuple[str, int]] = []

    def visit(current: object, bound: frozenset[str]) -> None:
        if isinstance(current, ast.Variable):
            if current.name not in bound:
                found.append((current.name, current.line))
            return
        if isinstance(current, ast.For):
            visit(current.collection, bound)
            inner = bound | {current.value_var} | ({current.key_var} if current.key_var else set())
            for child in (current.key, current.value, current.condition):
                if child is not None:
                    visit(child, inner)
            return
        if isinstance(current, ast.TemplateFor):
            visit(current.collection, bound)
            inner = bound | {current.value_var} | ({current.key_var} if current.key_var else set())
            visit(current.body, inner)
            return
        if isinstance(current, ast.Object):
            for key, value in current.items:
                if not isinstance(key, ast.ObjectKey):
                    visit(key, bound)
                visit(value, bound)
            return
        for child in ast.children(current):  # type: ignore[arg-type]
            visit(child, bound)

    visit(node, frozenset())
    return found


def _render(
    context: CallContext, text: str, filename: str, variables: Value, allow_filesystem: bool
) -> Value:
    from mlmarket.errors import InputError
    from mlmarket.terraform.evaluator import EvaluationError, Evaluator, Scope
    from mlmarket.terraform.syntax import parse_template

    if not isinstance(variables.type, (MapType, ObjectType)):
        raise FunctionError("invalid vars value: must be a map", 1)
    try:
        node = parse_template(text, filename)
    except InputError as error:
        raise FunctionError(f"invalid template: {error}", 0) from None
    names = variables.attributes()
    for name in names:
        if not _IDENTIFIER.match(name):
            raise FunctionError(
                f'invalid template variable name "{name}": must start with a letter, followed by zero or more '
                "letters, digits, and underscores",
                1,
            )
    for name, line in _template_variables(node):
        if name not in names:
            raise FunctionError(f'vars map does not contain key "{name}", referenced at {filename}:{line}', 1)

    def refuse(root: str, steps: tuple[object, ...]) -> None:
        raise EvaluationError(f'vars map does not contain key "{root}"')

    inner = TemplateContext(
        module_dir=context.module_dir,
        readable_roots=context.readable_roots,
        max_file_bytes=context.max_file_bytes,
        render_template=context.render_template,
        allow_filesystem=allow_filesystem,
    )
    scope = Scope(dict(names), refuse, inner)  # type: ignore[arg-type]
    try:
        result = Evaluator(scope).evaluate(node)
    except EvaluationError as error:
        raise FunctionError(f"{filename}:{error.line}: {error}") from None
    if result.is_null:
        raise FunctionError("Template result is null: the result of the template is null, which is not a valid "
                            "result for a template function call.")
    return result


def _refuse_nested(context: CallContext, name: str) -> None:
    if isinstance(context, TemplateContext):
        raise FunctionError(f"cannot recursively call {name} from inside another template function")


@register(
    "templatefile",
    [_PATH_PARAM, param("vars", allow_unknown=True, allow_marked=True)],
    returns=DYNAMIC,
)
def _templatefile(context: CallContext, args: Sequence[Value]) -> Value:
    _refuse_nested(context, "templatefile")
    path, path_marked = unmark(args[0])
    variables = args[1]
    marked = path_marked or variables.is_sensitive_anywhere
    if not path.is_known or not variables.is_known:
        return unknown_of(DYNAMIC, [path, variables], marked)
    text = _read_text(context, path.raw, path_marked)
    return _render(context, text, path.raw, variables, True).with_sensitive(marked)


@register("templatestring", [param("template"), param("vars")], returns=STRING)
def _templatestring(context: CallContext, args: Sequence[Value]) -> Value:
    # Terraform also requires the template argument to be written as a reference (local.x, var.y[0]...), not as
    # a template or any other expression: a check of the syntax, which the evaluator has to make.
    _refuse_nested(context, "templatestring")
    template, variables = args
    if template.type != STRING or template.is_null:
        raise FunctionError("invalid template value: a string is required", 0)
    result = _render(context, template.raw, "<templatestring argument>", variables, False)
    if not result.is_known:
        return unknown_of(STRING, [result], result.sensitive)
    try:
        return convert(result, STRING)
    except ConversionError as error:
        raise FunctionError(f"invalid template result: {error}") from None
