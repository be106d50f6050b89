"""Evaluates expression syntax trees to Values with Terraform's semantics (hclsyntax's, over go-cty values).

A `Scope` holds the names an expression may refer to (`var`, `local`, `each`, `count`, `path`, `terraform`, for
and template variables) and a resolver for everything else (resources, data sources, module outputs), which the
configuration layer provides; without one, such a reference is unknown with the reference as its reason.
Terraform refusing an expression is an `EvaluationError` with the line; unknown propagates as it does in
Terraform (operators, conditionals, for expressions, templates, splats and function calls).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mlmarket.terraform import functions
from mlmarket.terraform.functions import numeric
from mlmarket.terraform.functions.strings import grapheme_clusters
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
    Refinement,
    SetType,
    TupleType,
    Type,
    Value,
    any_sensitive,
    boolean,
    convert,
    definitely_not_null,
    int64_number,
    list_of,
    make_number,
    merge_refs,
    null,
    object_of,
    refine_not_null,
    refined,
    string,
    tuple_of,
    unify,
    unknown,
    unknown_from,
    value_range,
)
from mlmarket.terraform.values import equals as values_equals


class EvaluationError(Exception):
    """Terraform would refuse this expression (its plan fails): the message says why, as Terraform does."""

    def __init__(self, message: str, line: int = 0, *, static: bool = False, value: Value | None = None) -> None:
        super().__init__(message)
        self.line = line
        # Terraform finds this before evaluating anything (a reference to something never declared): `try` and
        # `can` do not catch it.
        self.static = static
        # HCL goes on after an error: every expression returns a value beside its diagnostics, and a conditional
        # whose condition is unknown (or selects the other result) unifies the types of both results, errors or
        # not. `value` is that value (None: cty.DynamicVal); `node` the expression that set it.
        self.value = value
        self.node: ast.Node | None = None

    @property
    def hcl_value(self) -> Value:
        return self.value if self.value is not None else unknown(DYNAMIC, "refused by Terraform")


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
        except EvaluationError as error:
            if error.node is None:
                error.node = node  # raised by this expression, with the value it returns (if it said)
            elif error.node is not node and not isinstance(node, _PASS_THROUGH):
                # An expression whose operand failed returns cty.DynamicVal, unless it said otherwise.
                error.value = None
                error.node = node
            raise
        finally:
            self.depth -= 1

    def _capture(self, node: ast.Node) -> tuple[Value, EvaluationError | None]:
        """The node's value and no error, or the value HCL returns beside the error and the error (static errors,
        found before evaluation, are raised)."""
        try:
            return self.evaluate(node), None
        except EvaluationError as error:
            if error.static:
                raise
            return error.hcl_value, error

    @staticmethod
    def _fail(error: EvaluationError, node: ast.Node, value: Value | None) -> EvaluationError:
        """`error`, as `node` reports it with the value it returns."""
        error.value = value
        error.node = node
        return error

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
        captured = [self._capture(item) for item in node.items]
        result = tuple_of(value for value, _ in captured)
        error = next((error for _, error in captured if error is not None), None)
        if error is not None:
            raise self._fail(error, node, result)
        return result

    def _object(self, node: ast.Object) -> Value:
        attributes: dict[str, Value] = {}
        pending_unknown: list[Value] = []
        first_error: EvaluationError | None = None
        keys_known = True
        for key_node, value_node in node.items:
            try:
                key = self._object_key(key_node)
            except EvaluationError as error:
                if error.static:
                    raise
                first_error = first_error or error
                keys_known = False
                self._capture(value_node)
                continue
            value, error = self._capture(value_node)
            first_error = first_error or error
            if not key.is_known:
                pending_unknown.append(key)
                continue
            attributes[key.raw] = value
        if first_error is not None:
            raise self._fail(first_error, node, object_of(attributes) if keys_known and not pending_unknown
                             else None)
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
        try:
            for part in node.parts:
                if isinstance(part, ast.Literal) and isinstance(part.value, str):
                    if unknown_part is None:
                        pieces.append(part.value)
                    continue
                value = self._template_part(part)
                operands.append(value)
                if not value.is_known:
                    unknown_part = unknown_part or value
                    continue
                if unknown_part is None:
                    pieces.append(value.raw)
        except EvaluationError as error:
            raise self._fail(error, node, refine_not_null(unknown(STRING, "refused by Terraform"))) from None
        if unknown_part is not None:
            # HCL knows the result is not null, and starts with the text before the first unknown part.
            prefix = _safe_known_prefix("".join(pieces))
            return refined(unknown_from(operands, STRING), Refinement(True, prefix=prefix))
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
        obj, error = self._capture(node.obj)
        return self._step_after(node, error, lambda: self._attribute(obj, node.name, node.line))

    def _index(self, node: ast.Index) -> Value:
        root, steps, nodes = _static_traversal(node)
        if root is not None and root.name not in self.scope.names:
            return self._traversal(root, steps, nodes)
        obj, obj_error = self._capture(node.obj)
        key, key_error = self._capture(node.key)
        return self._step_after(node, obj_error or key_error, lambda: self._index_value(obj, key, node.line))

    def _step_after(self, node: ast.Node, error: EvaluationError | None, step: Callable[[], Value]) -> Value:
        """An attribute or index step: HCL takes it even on the value a failed operand returned, and that is
        the value it returns beside the operand's error."""
        if error is None:
            return step()
        try:
            value: Value | None = step()
        except EvaluationError:
            value = None
        raise self._fail(error, node, value)

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
        """HCL's SplatExpr: a list, set or tuple gives one result per element (a list or a tuple); another
        value is a one-element tuple, null an empty one. An unknown source is type-checked: `each` is
        evaluated on an unknown element, so `.v` of an unknown list of strings is an error."""
        source = self.evaluate(node.source)
        source_type = source.type
        auto_upgrade = not isinstance(source_type, (TupleType, ListType, SetType))
        if source.is_null:
            if not auto_upgrade:
                raise EvaluationError("Splat of null value: Splat expressions (with the * symbol) cannot be applied "
                                      "to null sequences.", node.line)
            if source_type != DYNAMIC and _is_variable_reference(node.source):
                # Terraform validates with every input variable unknown (of its type) before it plans.
                self._splat_result_type(node, TupleType((source_type,)))
            return tuple_of((), source.sensitive)
        if source_type == DYNAMIC:
            return unknown_from([source], DYNAMIC)
        upgraded_unknown = False
        if auto_upgrade:
            upgraded_unknown = not source.is_known and not definitely_not_null(source)
            source = tuple_of([source], source.sensitive)
            source_type = source.type
        if not source.is_known:
            result_type = self._splat_result_type(node, source_type)
            result = unknown_from([source], result_type)
            if result_type == DYNAMIC:
                return result
            result = refine_not_null(result)
            if isinstance(result_type, ListType) and isinstance(source_type, (ListType, SetType)):
                bounds = value_range(source) or Refinement()
                result = refined(result, Refinement(True, min_length=bounds.min_length,
                                                    max_length=bounds.max_length))
            return result
        captured = [self._capture_splat_each(node.each, item) for item in source.elements()]
        results = [value for value, _ in captured]
        first_error = next((error for _, error in captured if error is not None), None)
        if first_error is not None:
            raise self._fail(first_error, node, unknown(self._splat_result_type(node, source_type, check=False),
                                                        "refused by Terraform"))
        if upgraded_unknown:
            return unknown_from([source], DYNAMIC)
        if isinstance(source_type, (ListType, SetType)):
            if not results:
                result_type = self._splat_result_type(node, source_type)
                return list_of(result_type.element, (), source.sensitive)  # type: ignore[attr-defined]
            element_type = unify([r.type for r in results]) or DYNAMIC
            return list_of(element_type, [convert(r, element_type) for r in results], source.sensitive)
        return tuple_of(results, source.sensitive)

    def _splat_result_type(self, node: ast.Splat, source_type: Type, *, check: bool = True) -> Type:
        """The splat's type, from `each` applied to unknown elements; with `check`, its errors are the splat's
        (HCL ignores them where it already failed)."""
        if isinstance(source_type, (ListType, SetType)):
            return ListType(self._splat_each_type(node, source_type.element, check))
        if isinstance(source_type, TupleType):
            return TupleType(tuple(self._splat_each_type(node, t, check) for t in source_type.elements))
        return DYNAMIC

    def _splat_each_type(self, node: ast.Splat, element_type: Type, check: bool) -> Type:
        value, error = self._capture_splat_each(node.each, unknown(element_type))
        if error is not None and check:
            raise error
        return value.type

    def _capture_splat_each(self, each: ast.Node, item: Value) -> tuple[Value, EvaluationError | None]:
        return self.with_bindings({_SPLAT_ITEM: item})._capture(each)

    def _splat_each(self, each: ast.Node, item: Value) -> Value:
        return self.with_bindings({_SPLAT_ITEM: item}).evaluate(each)

    def _splat_item(self, node: ast.SplatItem) -> Value:
        return self.scope.names[_SPLAT_ITEM]

    # -- operators ----------------------------------------------------------------------------------------

    def _unary(self, node: ast.Unary) -> Value:
        result_type = BOOL if node.op == "!" else NUMBER
        try:
            return refine_not_null(self._unary_value(node))
        except EvaluationError as error:
            raise self._fail(error, node, unknown(result_type, "refused by Terraform")) from None

    def _unary_value(self, node: ast.Unary) -> Value:
        operand = self.evaluate(node.operand)
        if node.op == "!":
            value = self._operand(operand, BOOL, "operand", node.line)
            if not value.is_known:
                return unknown_from([value], BOOL)
            return Value(BOOL, not value.raw, value.sensitive)
        value = self._operand(operand, NUMBER, "operand", node.line)
        if not value.is_known:
            return unknown_from([value], NUMBER)
        return Value(NUMBER, self._operation(numeric.negate, node.line, value.raw), value.sensitive)

    def _binary(self, node: ast.Binary) -> Value:
        # HCL evaluates both operands (no short circuit) and returns an unknown of the operator's type beside any
        # error.
        result_type = NUMBER if node.op in _ARITHMETIC else BOOL
        left, left_error = self._capture(node.left)
        right, right_error = self._capture(node.right)
        try:
            first_error = left_error or right_error
            if first_error is not None:
                raise first_error
            # cty's operators never return null: an unknown result is refined so.
            return refine_not_null(self._binary_value(node.op, left, right, node.line))
        except EvaluationError as error:
            raise self._fail(error, node, unknown(result_type, "refused by Terraform")) from None

    def _binary_value(self, op: str, left: Value, right: Value, line: int) -> Value:
        if op in ("==", "!="):
            return self._equality(left, right, op == "!=")
        if op in ("&&", "||"):
            a = self._operand(left, BOOL, "left operand", line)
            b = self._operand(right, BOOL, "right operand", line)
            if not a.is_known or not b.is_known:
                return unknown_from([a, b], BOOL)
            raw = (a.raw and b.raw) if op == "&&" else (a.raw or b.raw)
            return Value(BOOL, raw, a.sensitive or b.sensitive)
        a = self._operand(left, NUMBER, "left operand", line)
        b = self._operand(right, NUMBER, "right operand", line)
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
        return Value(NUMBER, self._operation(_ARITHMETIC[op], line, x, y), sensitive)

    def _operation(self, operation: Callable[..., Any], line: int, *operands: Any) -> Any:
        try:
            return operation(*operands)
        except functions.FunctionError as error:
            raise EvaluationError(f"Operation failed: Error during operation: {error}.", line) from None

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
        equal = values_equals(left, right)
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
        """HCL's ConditionalExpr: both results are evaluated and their types unified first (a failure is an error
        whatever the condition); an unknown condition gives an unknown of that type and ignores the results'
        errors; a known one reports the errors of the result it selects only."""
        true_value, true_error = self._capture(node.true)
        false_value, false_error = self._capture(node.false)
        result_type, convert_true, convert_false = _conditional_type(true_value, false_value)
        if result_type is None:
            raise EvaluationError(
                "Inconsistent conditional result types: The true and false result expressions must have "
                "consistent types.",
                node.line,
            )
        refused = unknown(result_type, "refused by Terraform")
        condition, condition_error = self._capture(node.condition)
        if condition_error is not None:
            # HCL goes on with the unknown value the condition returned beside its error.
            unknown_condition = unknown(BOOL, "refused by Terraform")
            raise self._fail(condition_error, node, _unknown_choice(unknown_condition, true_value, false_value,
                                                                    result_type))
        if condition.is_null:
            raise EvaluationError("Null condition: The condition value is null. Conditions must either be true "
                                  "or false.", node.condition.line, value=refused)
        sensitive = condition.sensitive or true_value.sensitive or false_value.sensitive
        if not condition.is_known:
            return _unknown_choice(condition, true_value, false_value, result_type)
        try:
            condition = convert(condition, BOOL)
        except ConversionError:
            raise EvaluationError("Incorrect condition type: The condition expression must be of type bool.",
                                  node.condition.line, value=refused) from None
        chosen, error, needs_conversion = (
            (true_value, true_error, convert_true) if condition.raw else (false_value, false_error, convert_false)
        )
        if needs_conversion:
            try:
                chosen = convert(chosen, result_type)
            except ConversionError as problem:
                raise EvaluationError(f"Inconsistent conditional result types: {problem}", node.line,
                                      value=refused) from None
        result = chosen.with_sensitive(sensitive)
        if error is not None:
            raise self._fail(error, node, result)
        return result

    def _for(self, node: ast.For) -> Value:
        """HCL's ForExpr: the `if` clause is type-checked on unknown variables first; an unknown collection,
        condition or key makes the whole result unknown (and quiets the later key and condition errors, as HCL
        does); a duplicate key is an error that still returns the object of the first values."""
        collection = self.evaluate(node.collection)
        line = node.collection.line
        if collection.is_null:
            raise EvaluationError("Iteration over null value: A null value cannot be used as the collection in "
                                  "a 'for' expression.", line)
        if collection.type == DYNAMIC:
            return unknown_from([collection], DYNAMIC)
        if not isinstance(collection.type, (ListType, SetType, TupleType, MapType, ObjectType)):
            raise EvaluationError(f"Iteration over non-iterable value: A value of type "
                                  f"{collection.type.friendly()} cannot be used as the collection in a 'for' "
                                  "expression.", line)
        if node.condition is not None:
            self._check_for_condition(node)
        if not collection.is_known:
            return unknown_from([collection], DYNAMIC)
        state = _ForState()
        for key, value in self._iteration_items(collection, line) or []:
            bindings = {node.value_var: value}
            if node.key_var is not None:
                bindings[node.key_var] = key
            self._for_item(node, self.with_bindings(bindings), state)
        result = unknown_from([collection], DYNAMIC) if not state.known else state.result(node, collection.sensitive)
        if state.error is not None:
            raise self._fail(state.error, node, result if state.known else None)
        return result

    def _check_for_condition(self, node: ast.For) -> None:
        bindings = {node.value_var: unknown(DYNAMIC, "for variable")}
        if node.key_var is not None:
            bindings[node.key_var] = unknown(DYNAMIC, "for variable")
        assert node.condition is not None
        condition = self.with_bindings(bindings).evaluate(node.condition)
        if condition.is_null:
            raise EvaluationError("Condition is null: The value of the 'if' clause must not be null.",
                                  node.condition.line)
        try:
            convert(condition, BOOL)
        except ConversionError as error:
            raise EvaluationError(f"Invalid 'for' condition: The 'if' clause value is invalid: {error}.",
                                  node.condition.line) from None

    def _for_item(self, node: ast.For, scoped: Evaluator, state: _ForState) -> None:
        if node.condition is not None:
            include, error = scoped._capture(node.condition)
            state.note(error)
            if include.is_null:
                state.refuse("Invalid 'for' condition: The value of the 'if' clause must not be null.", node.line)
                return
            if node.key is None and not include.is_known:
                state.known = False
                return
            try:
                include = convert(include, BOOL)
            except ConversionError as problem:
                state.refuse(f"Invalid 'for' condition: The 'if' clause value is invalid: {problem}.", node.line)
                return
            if not include.is_known:
                state.known = False
                return
            if not include.raw:
                return
        if node.key is None:
            value, error = scoped._capture(node.value)
            state.note(error)
            state.items.append(value)
            return
        key, error = scoped._capture(node.key)
        state.note(error)
        if key.is_null:
            state.refuse("Invalid object key: Key expression in 'for' expression must not produce a null value.",
                         node.line)
            return
        if not key.is_known:
            state.known = False
            return
        try:
            key = convert(key, STRING)
        except ConversionError as problem:
            state.refuse(f"Invalid object key: The key expression produced an invalid result: {problem}.",
                         node.line)
            return
        value, error = scoped._capture(node.value)
        state.note(error)
        if node.grouping:
            state.groups.setdefault(key.raw, []).append(value)
        elif key.raw in state.attributes:
            state.note(EvaluationError(
                f'Duplicate object key: Two different items produced the key "{key.raw}" in this \'for\' '
                "expression. If duplicates are expected, use the ellipsis (...) after the value expression to "
                "enable grouping by key.",
                node.line,
            ))
        else:
            state.attributes[key.raw] = value

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
                (Value(NUMBER, int64_number(index)), item.with_sensitive(sensitive))
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

# Expressions that return what they hold, errors included (HCL's parentheses and `"${x}"`).
_PASS_THROUGH = (ast.Parens, ast.TemplateWrap)

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


@dataclass
class _ForState:
    """What a for expression has gathered so far, as HCL's ForExpr keeps it."""

    known: bool = True
    error: EvaluationError | None = None
    items: list[Value] = field(default_factory=list)
    attributes: dict[str, Value] = field(default_factory=dict)
    groups: dict[str, list[Value]] = field(default_factory=dict)

    def note(self, error: EvaluationError | None) -> None:
        if error is not None and error.static:
            raise error
        self.error = self.error or error

    def refuse(self, message: str, line: int) -> None:
        # HCL reports a bad key or condition only while the result is still known.
        if self.known:
            self.note(EvaluationError(message, line))
        self.known = False

    def result(self, node: ast.For, sensitive: bool) -> Value:
        if node.key is None:
            return tuple_of(self.items, sensitive)
        if node.grouping:
            return object_of({key: tuple_of(values) for key, values in self.groups.items()}, sensitive)
        return object_of(self.attributes, sensitive)


def _is_variable_reference(node: ast.Node) -> bool:
    root, _, _ = _static_traversal(node)
    return (root is not None and root.name == "var") or (isinstance(node, ast.Variable) and node.name == "var")


def _conditional_type(true_value: Value, false_value: Value) -> tuple[Type | None, bool, bool]:
    """The result type of a conditional, and whether each result is converted to it: an untyped null takes the
    other result's type, a dynamic result makes the type dynamic (nothing converted), else the unified type."""
    if _is_untyped_null(true_value):
        return false_value.type, True, False
    if _is_untyped_null(false_value):
        return true_value.type, False, True
    if DYNAMIC in (true_value.type, false_value.type):
        return DYNAMIC, False, False
    unified = unify([true_value.type, false_value.type])
    return unified, unified != true_value.type, unified != false_value.type


def _unknown_choice(condition: Value, true_value: Value, false_value: Value, result_type: Type) -> Value:
    """A conditional's result when its condition is unknown: null when both results are, else unknown."""
    sensitive = condition.sensitive or true_value.sensitive or false_value.sensitive
    if true_value.is_null and false_value.is_null:
        return null(result_type, sensitive)
    result = unknown_from([condition, true_value, false_value], result_type)
    return _refined_either(result, true_value, false_value).with_sensitive(sensitive)


def _refined_either(result: Value, true_value: Value, false_value: Value) -> Value:
    """What HCL knows of a conditional's result when the condition is unknown: not null when neither result can
    be null, a number between the two results' bounds, a collection between their lengths (which can make it
    known: both results empty, or the same number)."""
    not_null = definitely_not_null(true_value) and definitely_not_null(false_value)
    true_range, false_range = value_range(true_value), value_range(false_value)
    if true_value.type == NUMBER and false_value.type == NUMBER:
        lower = upper = None
        lower_inclusive = upper_inclusive = False
        if true_range is not None and false_range is not None:
            if true_range.lower is not None and false_range.lower is not None:
                lower, lower_inclusive = false_range.lower, false_range.lower_inclusive
                if true_range.lower < false_range.lower:
                    lower, lower_inclusive = true_range.lower, true_range.lower_inclusive
                elif true_range.lower == false_range.lower:
                    lower_inclusive = true_range.lower_inclusive or false_range.lower_inclusive
            if true_range.upper is not None and false_range.upper is not None:
                upper, upper_inclusive = false_range.upper, false_range.upper_inclusive
                if true_range.upper > false_range.upper:
                    upper, upper_inclusive = true_range.upper, true_range.upper_inclusive
                elif true_range.upper == false_range.upper:
                    upper_inclusive = true_range.upper_inclusive or false_range.upper_inclusive
        return refined(result, Refinement(not_null, lower=lower, lower_inclusive=lower_inclusive, upper=upper,
                                          upper_inclusive=upper_inclusive))
    collections = (ListType, SetType, MapType)
    if isinstance(true_value.type, collections) and true_value.type == false_value.type:
        lows = [r.min_length if r is not None else 0 for r in (true_range, false_range)]
        highs = [r.max_length if r is not None else None for r in (true_range, false_range)]
        high = None if None in highs else max(highs)  # type: ignore[type-var]
        return refined(result, Refinement(not_null, min_length=min(lows), max_length=high))
    return refined(result, Refinement(not_null)) if not_null else result


def _safe_known_prefix(text: str) -> str:
    """cty's ctystrings.SafeKnownPrefix of HCL's known template prefix (at most 128 bytes): without its last
    character when a combining mark could still change it, else without its last grapheme cluster unless that
    is a punctuation mark or space that must end one."""
    text = unicodedata.normalize("NFC", text.encode("utf-8")[:128].decode("utf-8", "ignore"))
    if not text:
        return ""
    last = len(text) - 1
    if unicodedata.combining(text[last]) or text[last] in _composing_starters():
        while last > 0 and unicodedata.combining(text[last]):
            last -= 1
        return text[:last]
    final_cluster = grapheme_clusters(text)[-1]
    if final_cluster in _ENDS_GRAPHEME_CLUSTER:
        return text
    return text[: len(text) - len(final_cluster)]


_ENDS_GRAPHEME_CLUSTER = frozenset("-_:;/\\,.(){}[]|?!~ \t@#$%^&*+\"'")


@functools.cache
def _composing_starters() -> frozenset[str]:
    """Characters that Unicode composes with a following combining mark (a, e, =, ...)."""
    starters = set()
    for code in range(0x30000):
        decomposition = unicodedata.decomposition(chr(code)).split()
        if len(decomposition) == 2 and not decomposition[0].startswith("<"):
            starters.add(chr(int(decomposition[0], 16)))
    return frozenset(starters)


def _is_untyped_null(value: Value) -> bool:
    """cty's RawEquals(cty.NullVal(cty.DynamicPseudoType)): marks included."""
    return value.is_known and value.is_null and value.type == DYNAMIC and not value.sensitive


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": numeric.add,
    "-": numeric.subtract,
    "*": numeric.multiply,
    "/": numeric.divide,
    "%": numeric.modulo,
}


__all__ = ["EvaluationError", "Evaluator", "Resolved", "Scope", "evaluate"]
