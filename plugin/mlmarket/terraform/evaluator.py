"""Evaluates expression syntax trees to Values with Terraform's semantics (hclsyntax's, over go-cty values).

A `Scope` holds the names an expression may refer to (`var`, `local`, `each`, `count`, `path`, `terraform`, for
and template variables) and a resolver for everything else (resources, data sources, module outputs), which the
configuration layer provides; without one, such a reference is unknown with the reference as its reason.
Terraform refusing an expression is an `EvaluationError` with the line; unknown propagates as it does in
Terraform (operators, conditionals, for expressions, templates, splats and function calls).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from mlmarket.terraform import functions
from mlmarket.terraform.syntax import ast
from mlmarket.terraform.values import (
    BOOL,
    DYNAMIC,
    NUMBER,
    STRING,
    UNKNOWN_PAYLOAD,
    ConversionError,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Type,
    Value,
    any_sensitive,
    boolean,
    convert,
    list_of,
    make_number,
    merge_refs,
    null,
    object_of,
    string,
    tuple_of,
    unify,
    unknown,
    unknown_from,
)


class EvaluationError(Exception):
    """Terraform would refuse this expression (its plan fails): the message says why, as Terraform does."""

    def __init__(self, message: str, line: int = 0, *, static: bool = False) -> None:
        super().__init__(message)
        self.line = line
        # Terraform finds this before evaluating anything (a reference to something never declared): `try` and
        # `can` do not catch it.
        self.static = static


# (root name, static steps) -> the value the reference stands for; None: not known to the configuration.
Resolver = Callable[[str, tuple[Any, ...]], "Resolved | None"]


@dataclass(frozen=True)
class Resolved:
    """What a resolver found for a reference: the value, and how many of the static steps it used."""

    value: Value
    steps_used: int


@dataclass
class Scope:
    names: dict[str, Value] = field(default_factory=dict)
    resolver: Resolver | None = None
    context: functions.CallContext = field(default_factory=functions.CallContext)

    def child(self, bindings: Mapping[str, Value]) -> Scope:
        return Scope({**self.names, **bindings}, self.resolver, self.context)


_MAX_DEPTH = 400


class Evaluator:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.depth = 0

    # -- dispatch ---------------------------------------------------------------------------------------

    def evaluate(self, node: ast.Node) -> Value:
        self.depth += 1
        try:
            if self.depth > _MAX_DEPTH:
                raise EvaluationError("expression nested too deeply", node.line)
            method = _DISPATCH.get(type(node))
            if method is None:
                raise EvaluationError(f"unsupported expression {type(node).__name__}", node.line)
            return method(self, node)
        finally:
            self.depth -= 1

    def with_bindings(self, bindings: Mapping[str, Value]) -> Evaluator:
        child = Evaluator(self.scope.child(bindings))
        child.depth = self.depth
        return child

    # -- literals and constructors ------------------------------------------------------------------------

    def _literal(self, node: ast.Literal) -> Value:
        value = node.value
        if value is None:
            return null()
        if isinstance(value, bool):
            return boolean(value)
        if isinstance(value, str):
            return string(value)
        return Value(NUMBER, make_number(value))

    def _parens(self, node: ast.Parens) -> Value:
        return self.evaluate(node.expr)

    def _tuple(self, node: ast.Tuple) -> Value:
        return tuple_of(self.evaluate(item) for item in node.items)

    def _object(self, node: ast.Object) -> Value:
        attributes: dict[str, Value] = {}
        pending_unknown: list[Value] = []
        for key_node, value_node in node.items:
            key = self._object_key(key_node)
            value = self.evaluate(value_node)
            if not key.is_known:
                pending_unknown.append(key)
                continue
            attributes[key.raw] = value
        if pending_unknown:
            return unknown_from(pending_unknown, DYNAMIC)
        return object_of(attributes)

    def _object_key(self, node: ast.Node) -> Value:
        if isinstance(node, ast.ObjectKey):
            return string(node.name)
        key = self.evaluate(node)
        if key.is_null:
            raise EvaluationError("Null value as key: can't use a null value as a key.", node.line)
        if not key.is_known:
            return key
        try:
            return convert(key, STRING)
        except ConversionError:
            raise EvaluationError(
                f"Incorrect key type: can't use this value as a key: string required, not {key.type.friendly()}.",
                node.line,
            ) from None

    # -- templates ------------------------------------------------------------------------------------------

    def _template_wrap(self, node: ast.TemplateWrap) -> Value:
        return self.evaluate(node.expr)

    def _template(self, node: ast.Template) -> Value:
        pieces: list[str] = []
        operands: list[Value] = []
        unknown_part: Value | None = None
        for part in node.parts:
            if isinstance(part, ast.Literal) and isinstance(part.value, str):
                pieces.append(part.value)
                continue
            value = self._template_part(part)
            operands.append(value)
            if not value.is_known:
                unknown_part = unknown_part or value
                continue
            pieces.append(value.raw)
        if unknown_part is not None:
            return unknown_from(operands, STRING)
        return Value(STRING, "".join(pieces), any(v.sensitive for v in operands))

    def _template_part(self, part: ast.Node) -> Value:
        """One interpolation or directive, as a string value (or unknown)."""
        if isinstance(part, ast.TemplateIf):
            return self._template_if(part)
        if isinstance(part, ast.TemplateFor):
            return self._template_for(part)
        value = self.evaluate(part)
        if value.is_null:
            raise EvaluationError(
                "Invalid template interpolation value: The expression result is null. Cannot include a null "
                "value in a string template.",
                part.line,
            )
        if not value.is_known:
            return Value(STRING, UNKNOWN_PAYLOAD, value.sensitive, value.reason, value.refs)
        try:
            return convert(value, STRING)
        except ConversionError:
            raise EvaluationError(
                f"Invalid template interpolation value: Cannot include the given value in a string template: "
                f"string required, but have {value.type.friendly()}.",
                part.line,
            ) from None

    def _template_if(self, node: ast.TemplateIf) -> Value:
        condition = self._condition(node.condition, "template if")
        if not condition.is_known:
            return Value(STRING, UNKNOWN_PAYLOAD, condition.sensitive, condition.reason, condition.refs)
        chosen = node.then if condition.raw else node.otherwise
        result = self._template(chosen) if chosen is not None else string("")
        return result.with_sensitive(condition.sensitive)

    def _template_for(self, node: ast.TemplateFor) -> Value:
        collection = self.evaluate(node.collection)
        items = self._iteration_items(collection, node.collection.line)
        if items is None:
            return Value(STRING, UNKNOWN_PAYLOAD, collection.sensitive, collection.reason, collection.refs)
        pieces: list[Value] = []
        for key, value in items:
            bindings = {node.value_var: value}
            if node.key_var is not None:
                bindings[node.key_var] = key
            pieces.append(self.with_bindings(bindings)._template(node.body))
        if any(not p.is_known for p in pieces):
            return unknown_from(pieces, STRING)
        return Value(STRING, "".join(p.raw for p in pieces), collection.sensitive or any_sensitive(pieces))

    # -- references ---------------------------------------------------------------------------------------

    def _variable(self, node: ast.Variable) -> Value:
        return self._traversal(node, (), ())

    def _get_attr(self, node: ast.GetAttr) -> Value:
        root, steps, nodes = _static_traversal(node)
        if root is not None and root.name not in self.scope.names:
            return self._traversal(root, steps, nodes)
        return self._attribute(self.evaluate(node.obj), node.name, node.line)

    def _index(self, node: ast.Index) -> Value:
        root, steps, nodes = _static_traversal(node)
        if root is not None and root.name not in self.scope.names:
            return self._traversal(root, steps, nodes)
        return self._index_value(self.evaluate(node.obj), self.evaluate(node.key), node.line)

    def _traversal(self, root: ast.Variable, steps: tuple[Any, ...], nodes: tuple[ast.Node, ...] = ()) -> Value:
        """A reference: the resolver gives the value of its first steps; the rest apply as written (an index
        `["1"]` of a list is the element 1, an attribute `.a` of a map its element "a")."""
        name = root.name
        if name in self.scope.names:
            value = self.scope.names[name]
            used = 0
        else:
            resolved = self.scope.resolver(name, steps) if self.scope.resolver else None
            if resolved is None:
                reference = _reference_text(name, steps, nodes)
                return unknown(DYNAMIC, f"{reference} is known only after apply", (reference,))
            value, used = resolved.value, resolved.steps_used
        for step_node in nodes[used:]:
            if isinstance(step_node, ast.GetAttr):
                value = self._attribute(value, step_node.name, step_node.line)
            else:
                value = self._index_value(value, self.evaluate(step_node.key), step_node.line)
        return value

    def _attribute(self, value: Value, name: str, line: int) -> Value:
        if value.is_null:
            raise EvaluationError("Attempt to get attribute from null value: This value is null, so it does "
                                  "not have any attributes.", line)
        value_type = value.type
        if isinstance(value_type, ObjectType):
            types = value_type.attribute_types
            if name not in types:
                raise EvaluationError(f'Unsupported attribute: This object does not have an attribute named "{name}".',
                                      line)
            if not value.is_known:
                return _unknown_like(value, types[name])
            return value.attributes()[name].with_sensitive(value.sensitive)
        if isinstance(value_type, MapType):
            if not value.is_known:
                return _unknown_like(value, value_type.element)
            items = value.attributes()
            if name not in items:
                raise EvaluationError(f'Missing map element: This map does not have an element with the key "{name}".',
                                      line)
            return items[name].with_sensitive(value.sensitive)
        if value_type == DYNAMIC and not value.is_known:
            return _unknown_like(value, DYNAMIC)
        raise EvaluationError(f"Unsupported attribute: Can't access attributes on a primitive-typed value "
                              f"({value_type.friendly()}).", line)

    def _index_value(self, value: Value, key: Value | Any, line: int) -> Value:
        if not isinstance(key, Value):
            key = string(key) if isinstance(key, str) else Value(NUMBER, make_number(key))
        if value.is_null:
            raise EvaluationError("Attempt to index null value: This value is null, so it does not have any "
                                  "indices.", line)
        if key.is_null:
            raise EvaluationError("Invalid index: Can't use a null value as an indexing key.", line)
        value_type = value.type
        sensitive = value.sensitive or key.sensitive
        if isinstance(value_type, (ListType, TupleType)):
            if not key.is_known or not value.is_known:
                element = value_type.element if isinstance(value_type, ListType) else DYNAMIC
                if isinstance(value_type, TupleType) and key.is_known and value.is_known is False:
                    element = _tuple_element_type(value_type, key)
                return unknown_from([value, key], element).with_sensitive(sensitive)
            index = _whole_index(key, line)
            items = value.elements()
            if index < 0 or index >= len(items):
                raise EvaluationError("Invalid index: The given key does not identify an element in this "
                                      "collection value.", line)
            return items[index].with_sensitive(sensitive)
        if isinstance(value_type, (MapType, ObjectType)):
            try:
                key = convert(key, STRING)
            except ConversionError:
                raise EvaluationError("Invalid index: The given key does not identify an element in this "
                                      "collection value: string required.", line) from None
            if not value.is_known and isinstance(value_type, ObjectType):
                return unknown_from([value, key], DYNAMIC).with_sensitive(sensitive)
            if not key.is_known or not value.is_known:
                element = value_type.element if isinstance(value_type, MapType) else DYNAMIC
                if isinstance(value_type, ObjectType) and key.is_known:
                    types = value_type.attribute_types
                    if key.raw not in types:
                        raise EvaluationError('Invalid index: The given key does not identify an element in this '
                                              'collection value.', line)
                    element = types[key.raw]
                return unknown_from([value, key], element).with_sensitive(sensitive)
            items = value.attributes()
            if key.raw not in items:
                raise EvaluationError("Invalid index: The given key does not identify an element in this "
                                      "collection value.", line)
            return items[key.raw].with_sensitive(sensitive)
        if value_type == DYNAMIC and not value.is_known:
            return unknown_from([value, key], DYNAMIC)
        if isinstance(value_type, SetType):
            raise EvaluationError("Invalid index: Elements of a set are identified only by their value and don't "
                                  "have any separate index or key to select with, so it's only possible to perform "
                                  "operations across all elements of the set.", line)
        raise EvaluationError("Invalid index: This value does not have any indices.", line)

    # -- splats -------------------------------------------------------------------------------------------

    def _splat(self, node: ast.Splat) -> Value:
        source = self.evaluate(node.source)
        if source.is_null:
            return tuple_of(())
        if not source.is_known:
            if isinstance(node.each, ast.SplatItem) and isinstance(source.type, (ListType, SetType, TupleType)):
                # `x[*]` of an unknown list keeps its type (a set's elements become a list).
                same = ListType(source.type.element) if isinstance(source.type, SetType) else source.type
                return unknown_from([source], same)
            return unknown_from([source], DYNAMIC)
        if isinstance(source.type, (ListType, SetType, TupleType)):
            items = source.elements()
            as_list = isinstance(source.type, (ListType, SetType))
        else:
            items = (source,)
            as_list = False
        results = [self._splat_each(node.each, item) for item in items]
        if as_list:
            element_type = unify([r.type for r in results]) if results else _splat_element_type(node, source)
            if element_type is None:
                element_type = DYNAMIC
            return list_of(element_type, [convert(r, element_type) for r in results], source.sensitive)
        return tuple_of(results, source.sensitive)

    def _splat_each(self, each: ast.Node, item: Value) -> Value:
        return self.with_bindings({_SPLAT_ITEM: item}).evaluate(each)

    def _splat_item(self, node: ast.SplatItem) -> Value:
        return self.scope.names[_SPLAT_ITEM]

    # -- operators ----------------------------------------------------------------------------------------

    def _unary(self, node: ast.Unary) -> Value:
        operand = self.evaluate(node.operand)
        if node.op == "!":
            value = self._operand(operand, BOOL, "operand", node.line)
            if not value.is_known:
                return unknown_from([value], BOOL)
            return Value(BOOL, not value.raw, value.sensitive)
        value = self._operand(operand, NUMBER, "operand", node.line)
        if not value.is_known:
            return unknown_from([value], NUMBER)
        return Value(NUMBER, make_number(-value.raw), value.sensitive)

    def _binary(self, node: ast.Binary) -> Value:
        left = self.evaluate(node.left)
        right = self.evaluate(node.right)
        op = node.op
        if op in ("==", "!="):
            return self._equality(left, right, op == "!=")
        if op in ("&&", "||"):
            a = self._operand(left, BOOL, "left operand", node.line)
            b = self._operand(right, BOOL, "right operand", node.line)
            if not a.is_known or not b.is_known:
                return unknown_from([a, b], BOOL)
            raw = (a.raw and b.raw) if op == "&&" else (a.raw or b.raw)
            return Value(BOOL, raw, a.sensitive or b.sensitive)
        a = self._operand(left, NUMBER, "left operand", node.line)
        b = self._operand(right, NUMBER, "right operand", node.line)
        result_type = BOOL if op in ("<", ">", "<=", ">=") else NUMBER
        if not a.is_known or not b.is_known:
            return unknown_from([a, b], result_type)
        sensitive = a.sensitive or b.sensitive
        x, y = a.raw, b.raw
        if op == "<":
            return Value(BOOL, x < y, sensitive)
        if op == ">":
            return Value(BOOL, x > y, sensitive)
        if op == "<=":
            return Value(BOOL, x <= y, sensitive)
        if op == ">=":
            return Value(BOOL, x >= y, sensitive)
        return Value(NUMBER, _arithmetic(op, x, y, node.line), sensitive)

    def _operand(self, value: Value, wanted: Type, which: str, line: int) -> Value:
        if value.is_null:
            raise EvaluationError(f"Invalid operand: Unsuitable value for {which}: argument must not be null.", line)
        try:
            return convert(value, wanted)
        except ConversionError:
            raise EvaluationError(
                f"Invalid operand: Unsuitable value for {which}: a {wanted.friendly()} is required.", line
            ) from None

    def _equality(self, left: Value, right: Value, negate: bool) -> Value:
        equal = _equal_or_unknown(left, right)
        if equal is None:
            return unknown_from([left, right], BOOL)
        return Value(BOOL, equal != negate, left.is_sensitive_anywhere or right.is_sensitive_anywhere)

    # -- conditionals and for expressions -----------------------------------------------------------------

    def _condition(self, node: ast.Node, what: str) -> Value:
        value = self.evaluate(node)
        if value.is_null:
            raise EvaluationError("Null condition: The condition value is null. Conditions must either be true "
                                  "or false.", node.line)
        try:
            return convert(value, BOOL)
        except ConversionError:
            raise EvaluationError("Incorrect condition type: The condition expression must be of type bool.",
                                  node.line) from None

    def _conditional(self, node: ast.Conditional) -> Value:
        condition = self._condition(node.condition, "condition")
        # HCL evaluates both results (their types decide the result's type) but reports only the errors of the
        # one the condition selects; an unknown condition selects both.
        true_value = self._branch(node.true, not condition.is_known or condition.raw is True)
        false_value = self._branch(node.false, not condition.is_known or condition.raw is False)
        result_type = _conditional_type(true_value, false_value)
        if result_type is None:
            raise EvaluationError(
                "Inconsistent conditional result types: The true and false result expressions must have "
                "consistent types.",
                node.line,
            )
        if not condition.is_known:
            if _equal_or_unknown(true_value, false_value) is True:
                # Both results are the same known value: whatever the condition, this is the result.
                try:
                    return convert(true_value, result_type).with_sensitive(condition.sensitive)
                except ConversionError:
                    pass
            return unknown_from([condition, true_value, false_value], result_type)
        chosen = true_value if condition.raw else false_value
        try:
            result = convert(chosen, result_type)
        except ConversionError as error:
            raise EvaluationError(f"Inconsistent conditional result types: {error}", node.line) from None
        return result.with_sensitive(condition.sensitive)

    def _branch(self, node: ast.Node, selected: bool) -> Value:
        if selected:
            return self.evaluate(node)
        try:
            return self.evaluate(node)
        except EvaluationError as error:
            if error.static:
                raise
            return unknown(DYNAMIC, "not selected")

    def _for(self, node: ast.For) -> Value:
        collection = self.evaluate(node.collection)
        items = self._iteration_items(collection, node.collection.line)
        if items is None:
            return unknown_from([collection], DYNAMIC)
        keys: list[Value] = []
        values: list[Value] = []
        for key, value in items:
            bindings = {node.value_var: value}
            if node.key_var is not None:
                bindings[node.key_var] = key
            scoped = self.with_bindings(bindings)
            if node.condition is not None:
                keep = scoped._condition(node.condition, "for condition")
                if not keep.is_known:
                    return unknown_from([keep], DYNAMIC)
                if not keep.raw:
                    continue
            if node.key is not None:
                keys.append(scoped._object_key(node.key))
            values.append(scoped.evaluate(node.value))
        sensitive = collection.sensitive
        if node.key is None:
            return tuple_of(values, sensitive)
        if any(not k.is_known for k in keys):
            return unknown_from(keys, DYNAMIC)
        if node.grouping:
            grouped: dict[str, list[Value]] = {}
            for key, value in zip(keys, values, strict=False):
                grouped.setdefault(key.raw, []).append(value)
            return object_of({k: tuple_of(v) for k, v in grouped.items()}, sensitive)
        result: dict[str, Value] = {}
        for key, value in zip(keys, values, strict=False):
            if key.raw in result:
                raise EvaluationError(
                    f'Duplicate object key: Two different items produced the key "{key.raw}" in this \'for\' '
                    "expression. If duplicates are expected, use the ellipsis (...) after the value expression "
                    "to enable grouping by key.",
                    node.line,
                )
            result[key.raw] = value
        return object_of(result, sensitive)

    def _iteration_items(self, collection: Value, line: int) -> list[tuple[Value, Value]] | None:
        """(key, value) pairs a for expression iterates, in Terraform's order; None when not known."""
        if collection.is_null:
            raise EvaluationError("Iteration over null value: A null value cannot be used as the collection in "
                                  "a 'for' expression.", line)
        if not collection.is_known:
            return None
        value_type = collection.type
        sensitive = collection.sensitive
        if isinstance(value_type, (ListType, TupleType)):
            return [
                (Value(NUMBER, index), item.with_sensitive(sensitive))
                for index, item in enumerate(collection.elements())
            ]
        if isinstance(value_type, SetType):
            return [(item, item.with_sensitive(sensitive)) for item in collection.elements()]
        if isinstance(value_type, (MapType, ObjectType)):
            return [
                (string(key), item.with_sensitive(sensitive)) for key, item in sorted(collection.attributes().items())
            ]
        raise EvaluationError(f"Iteration over non-iterable value: A value of type {value_type.friendly()} cannot "
                              "be used as the collection in a 'for' expression.", line)

    # -- function calls -----------------------------------------------------------------------------------

    def _function_call(self, node: ast.FunctionCall) -> Value:
        name = node.name.removeprefix("core::")
        if name == "try":
            return self._try(node)
        if name == "can":
            return self._can(node)
        args = [self.evaluate(arg) for arg in node.args]
        if node.expand_final and args:
            last = args.pop()
            if last.is_null:
                raise EvaluationError("Invalid expanding argument value: The expanding argument (indicated by "
                                      "...) must not be null.", node.line)
            if not last.is_known:
                return unknown_from([*args, last], DYNAMIC)
            if not isinstance(last.type, (ListType, SetType, TupleType)):
                raise EvaluationError("Invalid expanding argument value: The expanding argument (indicated by "
                                      "...) must be of a tuple, list, or set type.", node.line)
            args.extend(item.with_sensitive(last.sensitive) for item in last.elements())
        if name.startswith("provider::"):
            return unknown(DYNAMIC, f"provider function {name}() is not evaluated by mlmarket", merge_refs(args),
                           any(a.is_sensitive_anywhere for a in args))
        if functions.lookup_function(name) is None and name not in _KNOWN_UNIMPLEMENTED:
            raise EvaluationError(f'Call to unknown function: There is no function named "{name}".', node.line)
        try:
            return functions.call(name, args, self.scope.context)
        except functions.FunctionError as error:
            raise EvaluationError(f"Invalid function argument: {error}", node.line) from None

    def _try(self, node: ast.FunctionCall) -> Value:
        if not node.args:
            raise EvaluationError("Not enough function arguments: try() requires at least one argument.", node.line)
        for arg in node.args:
            try:
                value = self.evaluate(arg)
            except EvaluationError as error:
                if error.static:
                    raise
                continue
            if not value.is_wholly_known:
                return unknown_from([value], DYNAMIC)
            return value
        raise EvaluationError("Error in function call: Call to function \"try\" failed: no expression succeeded.",
                              node.line)

    def _can(self, node: ast.FunctionCall) -> Value:
        if len(node.args) != 1:
            raise EvaluationError("can() takes exactly one argument.", node.line)
        try:
            value = self.evaluate(node.args[0])
        except EvaluationError as error:
            if error.static:
                raise
            return boolean(False)
        if not value.is_wholly_known:
            return unknown_from([value], BOOL)
        return boolean(True)


# Names of Terraform 1.11's built-in functions: a call to one that is not implemented is unknown, never an
# error; a call to a name outside this list is an error, as in Terraform. Filled from the registry at first use.
_KNOWN_UNIMPLEMENTED: frozenset[str] = frozenset({
    "abs", "abspath", "alltrue", "anytrue", "base64decode", "base64encode", "base64gzip", "base64sha256",
    "base64sha512", "basename", "bcrypt", "can", "ceil", "chomp", "chunklist", "cidrhost", "cidrnetmask",
    "cidrsubnet", "cidrsubnets", "coalesce", "coalescelist", "compact", "concat", "contains", "csvdecode",
    "dirname", "distinct", "element", "endswith", "ephemeralasnull", "file", "filebase64", "filebase64sha256",
    "filebase64sha512", "fileexists", "filemd5", "fileset", "filesha1", "filesha256", "filesha512", "flatten",
    "floor", "format", "formatdate", "formatlist", "indent", "index", "issensitive", "join", "jsondecode",
    "jsonencode", "keys", "length", "log", "lookup", "lower", "matchkeys", "max", "md5", "merge", "min",
    "nonsensitive", "one", "parseint", "pathexpand", "plantimestamp", "pow", "range", "regex", "regexall",
    "replace", "reverse", "rsadecrypt", "sensitive", "setintersection", "setproduct", "setsubtract", "setunion",
    "sha1", "sha256", "sha512", "signum", "slice", "sort", "split", "startswith", "strcontains", "strrev",
    "substr", "sum", "templatefile", "templatestring", "textdecodebase64", "textencodebase64", "timeadd",
    "timecmp", "timestamp", "title", "tobool", "tolist", "tomap", "tonumber", "toset", "tostring", "transpose",
    "trim", "trimprefix", "trimspace", "trimsuffix", "try", "upper", "urlencode", "uuid", "uuidv5", "values",
    "yamldecode", "yamlencode", "zipmap",
})

_SPLAT_ITEM = "\x00splat"  # a name no configuration can write

_DISPATCH: dict[type, Callable[[Evaluator, Any], Value]] = {
    ast.Literal: Evaluator._literal,
    ast.Parens: Evaluator._parens,
    ast.Tuple: Evaluator._tuple,
    ast.Object: Evaluator._object,
    ast.Template: Evaluator._template,
    ast.TemplateWrap: Evaluator._template_wrap,
    ast.Variable: Evaluator._variable,
    ast.GetAttr: Evaluator._get_attr,
    ast.Index: Evaluator._index,
    ast.Splat: Evaluator._splat,
    ast.SplatItem: Evaluator._splat_item,
    ast.Unary: Evaluator._unary,
    ast.Binary: Evaluator._binary,
    ast.Conditional: Evaluator._conditional,
    ast.For: Evaluator._for,
    ast.FunctionCall: Evaluator._function_call,
}


def evaluate(node: ast.Node, scope: Scope | None = None) -> Value:
    return Evaluator(scope or Scope()).evaluate(node)


# -- helpers ----------------------------------------------------------------------------------------------


def _static_traversal(node: ast.Node) -> tuple[ast.Variable | None, tuple[Any, ...], tuple[ast.Node, ...]]:
    """`a.b[0]["c"]` -> (Variable a, ("b", 0, "c"), the GetAttr/Index node of each step) when every step is an
    attribute or a literal index."""
    steps: list[Any] = []
    nodes: list[ast.Node] = []
    while True:
        if isinstance(node, (ast.GetAttr, ast.Index)):
            nodes.append(node)
        if isinstance(node, ast.GetAttr):
            steps.append(node.name)
            node = node.obj
        elif isinstance(node, ast.Index):
            key = node.key
            if isinstance(key, ast.Literal) and isinstance(key.value, str) and not isinstance(key.value, bool):
                steps.append(key.value)
            elif isinstance(key, ast.Template) and len(key.parts) == 1 and isinstance(key.parts[0], ast.Literal):
                steps.append(key.parts[0].value)
            elif isinstance(key, ast.Literal) and key.value is not None and not isinstance(key.value, bool):
                steps.append(int(key.value) if int(key.value) == key.value else key.value)
            else:
                return None, (), ()
            node = node.obj
        elif isinstance(node, ast.Variable):
            return node, tuple(reversed(steps)), tuple(reversed(nodes))
        else:
            return None, (), ()


def _reference_text(name: str, steps: Sequence[Any], nodes: Sequence[ast.Node] = ()) -> str:
    """`aws_ecr_repository.repo["a"].repository_url`, as Terraform writes a reference."""
    text = name
    for index, step in enumerate(steps):
        is_index = index < len(nodes) and isinstance(nodes[index], ast.Index)
        if isinstance(step, str) and not is_index:
            text += f".{step}"
        elif isinstance(step, str):
            text += f'["{step}"]'
        else:
            text += f"[{step}]"
    return text


def _unknown_like(value: Value, value_type: Type) -> Value:
    return Value(value_type, UNKNOWN_PAYLOAD, value.sensitive, value.reason, value.refs)


def _tuple_element_type(tuple_type: TupleType, key: Value) -> Type:
    raw = key.raw
    if isinstance(raw, int) and 0 <= raw < len(tuple_type.elements):
        return tuple_type.elements[raw]
    return DYNAMIC


def _whole_index(key: Value, line: int) -> int:
    try:
        number = convert(key, NUMBER).raw
    except ConversionError:
        raise EvaluationError("Invalid index: The given key does not identify an element in this collection "
                              "value: a number is required.", line) from None
    if not isinstance(number, int):
        raise EvaluationError("Invalid index: The given key does not identify an element in this collection "
                              "value: the index must be a whole number.", line)
    return number


def _splat_element_type(node: ast.Splat, source: Value) -> Type:
    return DYNAMIC


def _conditional_type(true_value: Value, false_value: Value) -> Type | None:
    # A null literal on one side takes the other side's type, as HCL does.
    if true_value.is_null and true_value.type == DYNAMIC:
        return false_value.type
    if false_value.is_null and false_value.type == DYNAMIC:
        return true_value.type
    return unify([true_value.type, false_value.type])


def _equal_or_unknown(left: Value, right: Value) -> bool | None:
    """cty's Equals: None (unknown) when either side is unknown; values of different types are unequal;
    collections are unequal as soon as a known pair of elements differs, even beside unknown elements."""
    if not left.is_known or not right.is_known:
        return None
    if left.is_null or right.is_null:
        return left.is_null and right.is_null
    if left.type != right.type:
        return False
    raw_left, raw_right = left.raw, right.raw
    if isinstance(raw_left, tuple):
        if len(raw_left) != len(raw_right):
            return False
        pairs = list(zip(raw_left, raw_right, strict=True))
    elif isinstance(raw_left, dict):
        if raw_left.keys() != raw_right.keys():
            return False
        pairs = [(raw_left[k], raw_right[k]) for k in raw_left]
    else:
        return raw_left == raw_right
    undecided = False
    for a, b in pairs:
        equal = _equal_or_unknown(a, b)
        if equal is False:
            return False
        undecided = undecided or equal is None
    return None if undecided else True


def _values_equal(left: Value, right: Value) -> bool:
    if left.is_null or right.is_null:
        return left.is_null and right.is_null
    if left.type != right.type:
        # cty compares values of different types as unequal, except numbers (int and Fraction) and
        # structural types that convert losslessly; Terraform's == is strict about type.
        return False
    raw_left, raw_right = left.raw, right.raw
    if isinstance(raw_left, tuple):
        if len(raw_left) != len(raw_right):
            return False
        return all(_values_equal(a, b) for a, b in zip(raw_left, raw_right, strict=True))
    if isinstance(raw_left, dict):
        return raw_left.keys() == raw_right.keys() and all(_values_equal(raw_left[k], raw_right[k]) for k in raw_left)
    return raw_left == raw_right


def _arithmetic(op: str, x: Any, y: Any, line: int) -> Any:
    if op == "+":
        return make_number(x + y)
    if op == "-":
        return make_number(x - y)
    if op == "*":
        return make_number(x * y)
    if op == "/":
        if y == 0:
            raise EvaluationError("Error in function call: Call to function \"divide\" failed: can't divide by "
                                  "zero.", line)
        return make_number(Fraction(x) / Fraction(y))
    if op == "%":
        if y == 0:
            return x  # cty: a modulo by zero gives the dividend back (Terraform 1.11 says `5 % 0` is 5)
        # Go's truncated remainder: the result takes the sign of the dividend.
        quotient = Fraction(x) / Fraction(y)
        truncated = int(quotient)
        return make_number(Fraction(x) - Fraction(y) * truncated)
    raise EvaluationError(f"unsupported operator {op}", line)


__all__ = ["EvaluationError", "Evaluator", "Resolved", "Scope", "evaluate"]
