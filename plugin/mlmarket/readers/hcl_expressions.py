"""Static evaluation of the Terraform expressions `hcl2` (checkov's bc-python-hcl2) hands back as strings.

What can be known before apply is resolved: variables (defaults, terraform.tfvars, *.auto.tfvars, module
arguments), locals, string interpolation of those, and `jsonencode(...)` of literals. Everything else
(resource attributes, functions, conditionals) becomes an `Unknown` carrying the references it makes, so the
stack can still follow `aws_ecr_repository.x.repository_url` to its repository.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping
from typing import Any

from mlmarket.model import SENSITIVE, Unknown

_WHOLE = re.compile(r"^\$\{(?P<expr>.*)\}$", re.DOTALL)
_INTERPOLATION = re.compile(r"\$\{(?P<expr>[^{}]*)\}")
_SIMPLE_REFERENCE = re.compile(
    r"^(?P<kind>var|local|each|count)\.(?P<name>[A-Za-z_][A-Za-z0-9_-]*)(?P<path>(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[^\]]+\])*)$"
)
_PATH_STEP = re.compile(r"\.(?P<attr>[A-Za-z_][A-Za-z0-9_-]*)|\[(?P<index>[^\]]+)\]")
_RESOURCE_REFERENCE = re.compile(
    r"(?<![\w.])(?:module\.[A-Za-z_][\w-]*(?:\[[^\]]*\])?\.)*(?:data\.)?(?:aws|awscc)_[a-z0-9_]+\.[A-Za-z_][\w-]*"
    r"(?:\[[^\]]*\])?(?:\.[A-Za-z_][\w-]*)?"
)
# A call of Terraform's `sensitive()` anywhere in an expression (not `nonsensitive()`): the value is sensitive, and
# since its argument is often the secret itself, the expression's text must not reach a reason either.
_SENSITIVE_CALL = re.compile(r"(?<![\w.])sensitive\s*\(")
_JSONENCODE = re.compile(r"^jsonencode\((?P<body>.*)\)$", re.DOTALL)
_COLLECTION = re.compile(r"^to(?P<kind>set|list|map)\((?P<body>.*)\)$", re.DOTALL)


def references_in(expression: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.group(0) for m in _RESOURCE_REFERENCE.finditer(expression)))


class Evaluator:
    """Evaluates expressions against one module instance's variables and locals."""

    def __init__(
        self,
        variables: Mapping[str, Any],
        locals_: Mapping[str, Any] | None = None,
        instance: Mapping[str, Any] | None = None,
    ) -> None:
        self.variables = variables
        self.locals = dict(locals_ or {})
        # `each` ({"key", "value"}) or `count` ({"index"}) of the resource instance being evaluated.
        self.instance = dict(instance or {})

    def for_instance(self, instance: Mapping[str, Any]) -> Evaluator:
        return Evaluator(self.variables, self.locals, instance)

    def value(self, raw: Any) -> Any:
        if isinstance(raw, str):
            return self._string(raw)
        if isinstance(raw, list):
            return [self.value(item) for item in raw]
        if isinstance(raw, dict):
            return {key: self.value(item) for key, item in raw.items()}
        return raw

    def _string(self, text: str) -> Any:
        if "${" not in text:
            return text
        if "sensitive" in text and _SENSITIVE_CALL.search(text):
            return SENSITIVE
        whole = _WHOLE.match(text)
        if whole and "${" not in whole["expr"]:
            return self._expression(whole["expr"].strip())
        return self._template(text)

    def _template(self, text: str) -> Any:
        parts: list[str] = []
        position = 0
        for match in _INTERPOLATION.finditer(text):
            parts.append(text[position : match.start()])
            value = self._expression(match["expr"].strip())
            if isinstance(value, Unknown):
                return Unknown(value.reason, references_in(text))
            if isinstance(value, bool):
                value = "true" if value else "false"
            if not isinstance(value, (str, int, float)):
                return Unknown(f"`{_short(text)}` interpolates a non-string value", references_in(text))
            parts.append(str(value))
            position = match.end()
        parts.append(text[position:])
        joined = "".join(parts)
        if "${" in joined:
            return Unknown(f"`{_short(text)}` cannot be evaluated before apply", references_in(text))
        return joined

    def _expression(self, expression: str) -> Any:
        simple = _SIMPLE_REFERENCE.match(expression)
        if simple:
            return self._lookup(simple["kind"], simple["name"], simple["path"], expression)
        encoded = _JSONENCODE.match(expression)
        if encoded:
            return self._jsonencode(encoded["body"], expression)
        collection = _COLLECTION.match(expression)
        if collection:
            return self._collection(collection["kind"], collection["body"].strip(), expression)
        return Unknown(f"`{_short(expression)}` is only known at apply time", references_in(expression))

    def _collection(self, kind: str, body: str, expression: str) -> Any:
        """`toset([...])`, `tolist(var.x)`, `tomap({...})` of values known before apply."""
        simple = _SIMPLE_REFERENCE.match(body)
        if simple:
            value = self._lookup(simple["kind"], simple["name"], simple["path"], body)
        else:
            try:
                value = self.value(ast.literal_eval(body))
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                return Unknown(f"`{_short(expression)}` is only known at apply time", references_in(expression))
        if isinstance(value, Unknown):
            return value
        if kind == "set" and isinstance(value, list):
            return list(dict.fromkeys(v for v in value if isinstance(v, (str, int, float))))
        return value

    def _lookup(self, kind: str, name: str, path: str, expression: str) -> Any:
        if kind in ("each", "count"):
            scope = self.instance.get(kind, {})
            if name not in scope:
                return Unknown(f"`{expression}` is only known for an expanded instance")
            value = scope[name]
            return self._follow(value, path, expression)
        scope = self.variables if kind == "var" else self.locals
        if name not in scope:
            return Unknown(f"{kind}.{name} has no value in the configuration", ())
        return self._follow(scope[name], path, expression)

    def _follow(self, value: Any, path: str, expression: str) -> Any:
        for step in _PATH_STEP.finditer(path):
            key: Any = step["attr"] if step["attr"] is not None else step["index"].strip().strip('"')
            if isinstance(value, Unknown):
                return value
            if isinstance(value, dict) and key in value:
                value = value[key]
            elif isinstance(value, list) and str(key).isdigit() and int(key) < len(value):
                value = value[int(key)]
            else:
                return Unknown(f"`{expression}` does not resolve in the configuration")
        return value

    def _jsonencode(self, body: str, expression: str) -> Any:
        """`jsonencode({...})`: hcl2 renders the argument as a Python literal; decode it, then resolve inside."""
        try:
            literal = ast.literal_eval(body)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return Unknown(f"`{_short(expression)}` is not a literal that can be encoded before apply")
        resolved = self.value(literal)
        if _contains_unknown(resolved):
            # The document's structure is known even where some values are not: keep it decoded so that
            # rules can judge the known parts and report the rest as unknown.
            return resolved
        return json.dumps(resolved)


def _contains_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(_contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_unknown(v) for v in value)
    return False


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def unwrap_block(body: Mapping[str, Any]) -> dict[str, Any]:
    """hcl2 wraps every attribute value in a one-element list; blocks are lists of dicts. Undo the wrapping."""
    result: dict[str, Any] = {}
    for key, raw in body.items():
        if key.startswith("__") and key.endswith("__"):
            continue
        result[key] = unwrap_value(raw)
    return result


def unwrap_value(raw: Any) -> Any:
    if isinstance(raw, list):
        if len(raw) == 1 and not isinstance(raw[0], dict):
            return raw[0]
        return [unwrap_block(item) if isinstance(item, dict) else item for item in raw]
    return raw


def unwrap_attributes(body: Mapping[str, Any]) -> dict[str, Any]:
    """For bodies that hold only arguments (module calls, locals, variables files): `[x]` is always `x`,
    including an object argument, which hcl2 hands back as a one-element list holding a dict."""
    return {
        key: (raw[0] if isinstance(raw, list) and len(raw) == 1 else raw)
        for key, raw in body.items()
        if not (key.startswith("__") and key.endswith("__"))
    }
