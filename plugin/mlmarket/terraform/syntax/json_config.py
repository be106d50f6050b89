"""Terraform's JSON configuration syntax (`*.tf.json`, what CDK for Terraform synthesizes) -> the same syntax tree
as a `.tf` file, so the rest of mlmarket cannot tell which syntax a block was written in.

JSON says less than HCL: a property holding an object may be an argument (a map) or a nested block, and only the
block's schema knows which. Terraform asks the provider's schema; `parse_json_file` asks the caller through
`block_schema` ("managed aws_sagemaker_model" -> `{"blocks": {name: nested level, ...}}`). A type the caller does
not know has no nested blocks: every property is an argument (true of every awscc type).

Strings are templates (`"${var.x}"`), except where Terraform reads a string as an expression or a traversal
(`provider`, `depends_on`, a variable's `type`, a module's `providers`, a dynamic block's `iterator`). A property
named "//" in a body is a comment. Lines come from the JSON text, so findings point at the right line.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mlmarket.errors import InputError
from mlmarket.terraform.syntax import ast
from mlmarket.terraform.syntax.parser import parse_expression, parse_template

BlockSchema = Callable[[str], "Mapping[str, Any] | None"]

_TOKEN = re.compile(
    r'(?P<ws>[ \t\r\n]+)|(?P<string>"(?:[^"\\\x00-\x1f]|\\.)*")|(?P<number>-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)'
    r"|(?P<word>true|false|null)|(?P<punct>[{}\[\]:,])"
)
_MAX_DEPTH = 500
_LABELS = {"resource": 2, "data": 2, "variable": 1, "output": 1, "module": 1, "provider": 1, "locals": 0,
           "terraform": 0}
_IGNORED_TOP_LEVEL = frozenset({"moved", "import", "check", "removed", "//"})
# Nested blocks every schema-less context knows: meta blocks of resources, and the blocks of the other kinds.
_RESOURCE_META = {"lifecycle": 0, "connection": 0, "provisioner": 1, "dynamic": 1}
_KIND_BLOCKS: dict[str, dict[str, int]] = {
    "variable": {"validation": 0},
    "output": {"precondition": 0},
    "terraform": {"required_providers": 0, "backend": 1, "cloud": 0},
    "provider": {"assume_role": 0, "assume_role_with_web_identity": 0, "default_tags": 0, "ignore_tags": 0,
                 "endpoints": 0},
}


# --- JSON with lines -----------------------------------------------------------------------------------------


@dataclass
class _JValue:
    value: Any  # str | Decimal | bool | None for scalars; list[_JValue] for arrays; list[_JPair] for objects
    kind: str  # "scalar", "array", "object"
    line: int
    end_line: int


@dataclass
class _JPair:
    key: str
    line: int
    value: _JValue


class _JsonReader:
    """A JSON reader that keeps each value's line and every property of an object, in order (HCL's JSON syntax
    allows a property name twice: two blocks of one type)."""

    def __init__(self, text: str, filename: str) -> None:
        self.text = text
        self.filename = filename
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.tokens = self._tokenize()
        self.position = 0

    def _line(self, offset: int) -> int:
        return bisect.bisect_right(self.newlines, offset - 1) + 1

    def _tokenize(self) -> list[tuple[str, str, int]]:
        tokens = []
        offset = 0
        while offset < len(self.text):
            match = _TOKEN.match(self.text, offset)
            if match is None:
                raise self._error(f"invalid JSON: unexpected character {self.text[offset]!r}", self._line(offset))
            kind = match.lastgroup or ""
            if kind != "ws":
                tokens.append((kind, match.group(), self._line(offset)))
            offset = match.end()
        return tokens

    def _error(self, message: str, line: int) -> InputError:
        return InputError(self.filename, message, line=line)

    def _next(self) -> tuple[str, str, int]:
        if self.position >= len(self.tokens):
            raise self._error("invalid JSON: unexpected end of file", self._line(len(self.text)))
        token = self.tokens[self.position]
        self.position += 1
        return token

    def read(self) -> _JValue:
        value = self._value(0)
        if self.position != len(self.tokens):
            raise self._error("invalid JSON: extra data after the top-level value", self.tokens[self.position][2])
        return value

    def _value(self, depth: int) -> _JValue:
        if depth > _MAX_DEPTH:
            raise self._error("JSON nested too deeply", self.tokens[self.position][2])
        kind, text, line = self._next()
        if kind == "string":
            return _JValue(_decode_string(text, self, line), "scalar", line, line)
        if kind == "number":
            return _JValue(Decimal(text), "scalar", line, line)
        if kind == "word":
            return _JValue({"true": True, "false": False, "null": None}[text], "scalar", line, line)
        if text == "[":
            return self._array(line, depth)
        if text == "{":
            return self._object(line, depth)
        raise self._error(f"invalid JSON: unexpected {text!r}", line)

    def _array(self, line: int, depth: int) -> _JValue:
        items: list[_JValue] = []
        if self.tokens[self.position][1] == "]" if self.position < len(self.tokens) else False:
            return _JValue(items, "array", line, self._next()[2])
        while True:
            items.append(self._value(depth + 1))
            _, text, end = self._next()
            if text == "]":
                return _JValue(items, "array", line, end)
            if text != ",":
                raise self._error(f"invalid JSON: expected ',' or ']', found {text!r}", end)

    def _object(self, line: int, depth: int) -> _JValue:
        pairs: list[_JPair] = []
        if self.tokens[self.position][1] == "}" if self.position < len(self.tokens) else False:
            return _JValue(pairs, "object", line, self._next()[2])
        while True:
            kind, text, key_line = self._next()
            if kind != "string":
                raise self._error(f"invalid JSON: expected a property name, found {text!r}", key_line)
            key = _decode_string(text, self, key_line)
            if self._next()[1] != ":":
                raise self._error("invalid JSON: expected ':' after a property name", key_line)
            pairs.append(_JPair(key, key_line, self._value(depth + 1)))
            _, text, end = self._next()
            if text == "}":
                return _JValue(pairs, "object", line, end)
            if text != ",":
                raise self._error(f"invalid JSON: expected ',' or '}}', found {text!r}", end)


def _decode_string(token: str, reader: _JsonReader, line: int) -> str:
    try:
        return json.loads(token)
    except ValueError as error:
        raise reader._error(f"invalid JSON string: {error.msg}", line) from None


# --- JSON -> the syntax tree ---------------------------------------------------------------------------------


def parse_json_file(text: str, filename: str, block_schema: BlockSchema | None = None) -> ast.File:
    """A whole `.tf.json` file as the syntax tree of the equivalent `.tf` file."""
    root = _JsonReader(text, filename).read()
    builder = _Builder(filename, block_schema or (lambda _key: None))
    if root.kind != "object":
        raise InputError(filename, "a Terraform JSON file holds one object", line=root.line)
    blocks: list[ast.Block] = []
    for pair in root.value:
        if pair.key in _IGNORED_TOP_LEVEL:
            continue
        if pair.key not in _LABELS:
            raise InputError(filename, f'Unsupported block type: Blocks of type "{pair.key}" are not expected here.',
                             line=pair.line)
        for labels, body, line in builder.labeled(pair.value, _LABELS[pair.key]):
            blocks.append(builder.block(pair.key, labels, body, line))
    return ast.File(ast.Body({}, tuple(blocks)), filename)


class _Builder:
    def __init__(self, filename: str, block_schema: BlockSchema) -> None:
        self.filename = filename
        self.block_schema = block_schema

    def error(self, message: str, line: int) -> InputError:
        return InputError(self.filename, message, line=line)

    def labeled(
        self, value: _JValue, count: int, labels: tuple[str, ...] = ()
    ) -> list[tuple[tuple[str, ...], _JValue, int]]:
        """The blocks under a block-type property: `count` levels of objects keyed by label, any level (and the
        body itself) possibly an array of them."""
        if value.kind == "array":
            return [found for item in value.value for found in self.labeled(item, count, labels)]
        if value.kind != "object":
            raise self.error("a block must be a JSON object", value.line)
        if count == 0:
            return [(labels, value, value.line)]
        return [found for pair in value.value for found in self.labeled(pair.value, count - 1, (*labels, pair.key))]

    def block(self, kind: str, labels: tuple[str, ...], body: _JValue, line: int) -> ast.Block:
        if kind in ("resource", "data"):
            mode = "managed" if kind == "resource" else "data"
            level = self.block_schema(f"{mode} {labels[0]}")
            nested = {**{name: (count, None) for name, count in _RESOURCE_META.items()}, **_schema_blocks(level)}
            return ast.Block(kind, labels, self.body(body, "resource", nested), line, body.end_line)
        known = {name: (count, None) for name, count in _KIND_BLOCKS.get(kind, {}).items()}
        if kind == "provider" and labels != ("aws",):
            known = {}
        return ast.Block(kind, labels, self.body(body, kind, known), line, body.end_line)

    def body(self, value: _JValue, kind: str, nested: Mapping[str, tuple[int, Any]]) -> ast.Body:
        """`nested`: the block types this body may hold -> (label count, their own schema level)."""
        if value.kind != "object":
            raise self.error("a block body must be a JSON object", value.line)
        attributes: dict[str, ast.Attribute] = {}
        blocks: list[ast.Block] = []
        for pair in value.value:
            if pair.key == "//":
                continue
            if pair.key in nested and (pair.value.kind == "object" or _array_of_objects(pair.value)):
                count, level = nested[pair.key]
                for labels, body, line in self.labeled(pair.value, count):
                    blocks.append(self._nested_block(pair.key, labels, body, line, level, kind, nested))
                continue
            if pair.key in attributes:
                raise self.error(f'Duplicate argument: The argument "{pair.key}" was already set.', pair.line)
            expression = self.expression_for(kind, pair.key, pair.value)
            attributes[pair.key] = ast.Attribute(pair.key, expression, pair.line, pair.value.end_line)
        return ast.Body(attributes, tuple(blocks))

    def _nested_block(
        self, name: str, labels: tuple[str, ...], body: _JValue, line: int, level: Any, kind: str,
        siblings: Mapping[str, tuple[int, Any]],
    ) -> ast.Block:
        if kind in ("resource", "nested") and name == "dynamic":
            # dynamic "x" { for_each, iterator, labels, content { the body of an x block } }
            target = siblings.get(labels[0], (0, None))[1]
            return ast.Block(name, labels, self.body(body, "dynamic", {"content": (0, target)}), line, body.end_line)
        if kind in ("resource", "nested", "dynamic") and name not in _RESOURCE_META:
            # A block of the resource's schema (or a dynamic block's content): its own blocks, and dynamic ones.
            nested = {"dynamic": (1, None), **_schema_blocks(level)}
            return ast.Block(name, labels, self.body(body, "nested", nested), line, body.end_line)
        return ast.Block(name, labels, self.body(body, f"{kind}.{name}", {}), line, body.end_line)

    def expression_for(self, kind: str, name: str, value: _JValue) -> ast.Node:
        """An argument's expression; a few arguments read a string as an expression instead of a template."""
        as_expression = (
            (kind == "resource" and name in ("provider", "depends_on"))
            or (kind == "variable" and name == "type")
            or (kind == "dynamic" and name == "iterator")
            or (kind == "module" and name == "depends_on")
        )
        if kind == "module" and name == "providers" and value.kind == "object":
            return ast.Object(
                tuple(
                    (ast.ObjectKey(pair.key, pair.line), self._parsed(pair.value))
                    for pair in value.value
                ),
                value.line,
            )
        if as_expression:
            return self._parsed(value)
        return self.expression(value)

    def _parsed(self, value: _JValue) -> ast.Node:
        if value.kind == "array":
            return ast.Tuple(tuple(self._parsed(item) for item in value.value), value.line)
        if value.kind == "scalar" and isinstance(value.value, str):
            return parse_expression(value.value, self.filename, value.line)
        return self.expression(value)

    def expression(self, value: _JValue) -> ast.Node:
        if value.kind == "array":
            return ast.Tuple(tuple(self.expression(item) for item in value.value), value.line)
        if value.kind == "object":
            return ast.Object(
                tuple((self._template(pair.key, pair.line), self.expression(pair.value)) for pair in value.value),
                value.line,
            )
        if isinstance(value.value, str):
            return self._template(value.value, value.line)
        return ast.Literal(value.value, value.line)

    def _template(self, text: str, line: int) -> ast.Node:
        return parse_template(text, self.filename, line)


def _array_of_objects(value: _JValue) -> bool:
    """An array of blocks (an empty one: none of them)."""
    return value.kind == "array" and all(item.kind == "object" for item in value.value)


def _schema_blocks(level: Mapping[str, Any] | None) -> dict[str, tuple[int, Any]]:
    blocks = (level or {}).get("blocks") or {}
    return {name: (0, nested) for name, nested in blocks.items()}
