"""The syntax tree of HCL native syntax as Terraform reads it: what `mlmarket.terraform.syntax.parser` produces.

Every expression node is a frozen dataclass whose last field is `line` (1-based, where the node starts; 0 when
built by hand). `line` takes no part in equality or hashing, so two trees of the same expression compare equal
wherever they were written. Numbers are `decimal.Decimal` values built from the literal's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

__all__ = [
    "Attribute",
    "Binary",
    "Block",
    "Body",
    "Conditional",
    "File",
    "For",
    "FunctionCall",
    "GetAttr",
    "Index",
    "Literal",
    "Node",
    "Object",
    "ObjectKey",
    "Parens",
    "Splat",
    "SplatItem",
    "Template",
    "TemplateFor",
    "TemplateIf",
    "TemplateWrap",
    "Tuple",
    "Unary",
    "Variable",
    "ambiguous_object_key",
    "children",
    "traversal_parts",
    "walk",
]

LiteralValue = str | Decimal | bool | None


class Node:
    """Base of every expression node."""

    __slots__ = ()
    line: int


def _line() -> int:
    return field(default=0, compare=False)  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Literal(Node):
    """A number (Decimal), `true`/`false`, `null`, or a literal string piece of a template."""

    value: LiteralValue
    line: int = _line()


@dataclass(frozen=True, slots=True)
class Template(Node):
    """A quoted string or heredoc: literal pieces (Literal(str)), interpolated expressions, TemplateIf and
    TemplateFor directives, in order. `"text"` is `Template((Literal("text"),))`."""

    parts: tuple[Node, ...]
    line: int = _line()


@dataclass(frozen=True, slots=True)
class TemplateWrap(Node):
    """A template that is exactly one interpolation (`"${x}"`): its value is x's, with x's type."""

    expr: Node
    line: int = _line()


@dataclass(frozen=True, slots=True)
class TemplateIf(Node):
    """`%{ if condition }then%{ else }otherwise%{ endif }`; `otherwise` is None without an else clause."""

    condition: Node
    then: Template
    otherwise: Template | None
    line: int = _line()


@dataclass(frozen=True, slots=True)
class TemplateFor(Node):
    """`%{ for key_var, value_var in collection }body%{ endfor }`."""

    key_var: str | None
    value_var: str
    collection: Node
    body: Template
    line: int = _line()


@dataclass(frozen=True, slots=True)
class Tuple(Node):
    items: tuple[Node, ...]
    line: int = _line()


@dataclass(frozen=True, slots=True)
class Object(Node):
    """`{ key = value, ... }`: (key node, value node) pairs in source order. A bare identifier key (and a bare
    `true`, `false` or `null`) is an ObjectKey; a parenthesised key is its Parens node; a quoted key its
    Template; any other key is the expression (see `ambiguous_object_key`)."""

    items: tuple[tuple[Node, Node], ...]
    line: int = _line()


@dataclass(frozen=True, slots=True)
class ObjectKey(Node):
    """A bare identifier used as an object key: the literal string `name`, as Terraform reads it."""

    name: str
    line: int = _line()


@dataclass(frozen=True, slots=True)
class Variable(Node):
    """The root name of a traversal: `var`, `local`, a resource type, a for or template variable, ..."""

    name: str
    line: int = _line()


@dataclass(frozen=True, slots=True)
class GetAttr(Node):
    obj: Node
    name: str
    line: int = _line()


@dataclass(frozen=True, slots=True)
class Index(Node):
    """`obj[key]`; the legacy `obj.0` is `Index(obj, Literal(Decimal(0)))`."""

    obj: Node
    key: Node
    line: int = _line()


@dataclass(frozen=True, slots=True)
class Splat(Node):
    """`source.*.a.b` (full=False: attribute accesses and legacy indexes only) or `source[*].a[0]` (full=True:
    any traversal). `each` is the traversal applied to every element, built on a SplatItem."""

    source: Node
    each: Node
    full: bool
    line: int = _line()


@dataclass(frozen=True, slots=True)
class SplatItem(Node):
    """Stands for the current element inside a Splat's `each`."""

    line: int = _line()


@dataclass(frozen=True, slots=True)
class FunctionCall(Node):
    """`name(args...)`; `name` includes any namespace (`"provider::aws::arn_parse"`, `"core::max"`);
    `expand_final` when the last argument is followed by `...`."""

    name: str
    args: tuple[Node, ...]
    expand_final: bool
    line: int = _line()


@dataclass(frozen=True, slots=True)
class For(Node):
    """`[for k, v in collection : value if condition]` (key None) or
    `{for k, v in collection : key => value... if condition}` (grouping when `...` follows the value)."""

    key_var: str | None
    value_var: str
    collection: Node
    key: Node | None
    value: Node
    condition: Node | None
    grouping: bool
    line: int = _line()


@dataclass(frozen=True, slots=True)
class Conditional(Node):
    condition: Node
    true: Node
    false: Node
    line: int = _line()


@dataclass(frozen=True, slots=True)
class Unary(Node):
    """`op` is "-" or "!"."""

    op: str
    operand: Node
    line: int = _line()


@dataclass(frozen=True, slots=True)
class Binary(Node):
    """`op` is one of `|| && == != < > <= >= + - * / %`."""

    op: str
    left: Node
    right: Node
    line: int = _line()


@dataclass(frozen=True, slots=True)
class Parens(Node):
    expr: Node
    line: int = _line()


# -- configuration structure ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attribute:
    """`name = expr` in a body. `line`/`end_line` span the whole definition; `source` is its text, from the name
    to the end of the expression (for messages)."""

    name: str
    expr: Node
    line: int = 0
    end_line: int = 0
    source: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Block:
    """`type "label" label { body }`; labels quoted or bare, in order. `line` is the type's line, `end_line` the
    closing brace's."""

    type: str
    labels: tuple[str, ...]
    body: Body
    line: int = 0
    end_line: int = 0


@dataclass(frozen=True, slots=True)
class Body:
    """Attributes by name (in source order) and blocks in source order."""

    attributes: dict[str, Attribute]
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class File:
    body: Body
    filename: str


# -- helpers ------------------------------------------------------------------------------------------------------


def traversal_parts(node: Node) -> tuple[str, tuple[str | Node, ...]] | None:
    """`a.b["c"][0]` -> ("a", ("b", Template(...), Literal(0))): the root name and the steps (attribute names as
    str, index keys as their nodes) when `node` is a chain of GetAttr/Index on a Variable; else None."""
    steps: list[str | Node] = []
    while True:
        if isinstance(node, GetAttr):
            steps.append(node.name)
            node = node.obj
        elif isinstance(node, Index):
            steps.append(node.key)
            node = node.obj
        elif isinstance(node, Variable):
            return node.name, tuple(reversed(steps))
        else:
            return None


def ambiguous_object_key(key: Node) -> bool:
    """True for an object key written as a bare multi-step traversal (`{ a.b = 1 }`, `{ a[0] = 1 }`): Terraform
    refuses to evaluate such a key ("Ambiguous attribute key": wrap a reference in parentheses, a name in quotes),
    though it reads one statically where it expects references (a module's `providers = { aws.x = aws.y }`)."""
    return isinstance(key, (GetAttr, Index)) and traversal_parts(key) is not None


def walk(node: Node):
    """Every node of the tree under `node` (itself included), depth first, without recursion."""
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def children(node: Node) -> tuple[Node, ...]:
    """The direct child nodes of `node`, in source order."""
    if isinstance(node, Template):
        return node.parts
    if isinstance(node, Tuple):
        return node.items
    if isinstance(node, Object):
        return tuple(n for pair in node.items for n in pair)
    if isinstance(node, (TemplateWrap, Parens)):
        return (node.expr,)
    if isinstance(node, TemplateIf):
        return (node.condition, node.then) + ((node.otherwise,) if node.otherwise is not None else ())
    if isinstance(node, TemplateFor):
        return (node.collection, node.body)
    if isinstance(node, GetAttr):
        return (node.obj,)
    if isinstance(node, Index):
        return (node.obj, node.key)
    if isinstance(node, Splat):
        return (node.source, node.each)
    if isinstance(node, FunctionCall):
        return node.args
    if isinstance(node, For):
        return tuple(n for n in (node.collection, node.key, node.value, node.condition) if n is not None)
    if isinstance(node, Conditional):
        return (node.condition, node.true, node.false)
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    return ()
