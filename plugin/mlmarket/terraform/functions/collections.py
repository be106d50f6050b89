"""Terraform's collection functions (go-cty's stdlib and Terraform's lang/funcs, as Terraform 1.11 uses them).

Each follows its Go original: the same parameter declarations (types, null, unknown, marks), the same result
type rule (including the type of an unknown result, computed before the implementation would run) and the same
errors. Comments name the Go behaviour where it is surprising.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from mlmarket.terraform.functions import CallContext, FunctionError, numeric
from mlmarket.terraform.functions._common import (
    convert_to,
    cty_unify,
    equals,
    is_mapping_type,
    param,
    register,
    typed,
    unknown_of,
    unmark,
    whole_int,
)
from mlmarket.terraform.values import (
    BOOL,
    DYNAMIC,
    EMPTY_OBJECT,
    EMPTY_TUPLE,
    NUMBER,
    STRING,
    ConversionError,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Type,
    Value,
    convert,
    int64_number,
    list_of,
    map_of,
    set_of,
)

LIST_OF_ANY = ListType(DYNAMIC)
SET_OF_ANY = SetType(DYNAMIC)
LIST_OF_STRING = ListType(STRING)


def _list(element_type: Type, items: Sequence[Value], sensitive: bool = False) -> Value:
    return list_of(element_type, items, sensitive)


# --- length, alltrue, anytrue --------------------------------------------------------------------------------


def _length_type(args: Sequence[Value]) -> Type:
    value_type = args[0].type
    if value_type in (STRING, DYNAMIC) or isinstance(value_type, (TupleType, ObjectType, ListType, MapType, SetType)):
        return NUMBER
    raise FunctionError("argument must be a string, a collection type, or a structural type", 0)


def _grapheme_count(text: str) -> int:
    try:
        from mlmarket.terraform.functions.strings import grapheme_count  # type: ignore[attr-defined]
    except ImportError:  # strings.py not there yet: code points (differs for combining sequences and emoji)
        return len(text)
    return grapheme_count(text)


@register("length", [param("value", allow_unknown=True, allow_marked=True, allow_dynamic=True)], returns=_length_type)
def _length(context: CallContext, args: Sequence[Value]) -> Value:
    _length_type(args)
    value, marked = unmark(args[0])
    value_type = value.type
    if value_type == DYNAMIC:
        return unknown_of(NUMBER, [value], marked)
    if isinstance(value_type, TupleType):
        return Value(NUMBER, int64_number(len(value_type.elements)), marked)
    if isinstance(value_type, ObjectType):
        return Value(NUMBER, int64_number(len(value_type.attributes)), marked)
    if value_type == STRING:
        # stdlib.Strlen: a function without AllowMarked, so the mark always reaches the result.
        if not value.is_known:
            return unknown_of(NUMBER, [value], marked)
        return Value(NUMBER, int64_number(_grapheme_count(value.raw)), marked)
    if not value.is_known:
        return unknown_of(NUMBER, [value], marked)
    items = value.elements() if isinstance(value_type, (ListType, SetType)) else tuple(value.attributes().values())
    if isinstance(value_type, SetType) and len(items) != 1 and not value.is_wholly_known:
        # Unknown elements of a set may turn out equal to others and coalesce.
        return unknown_of(NUMBER, [value, *items], marked)
    return Value(NUMBER, int64_number(len(items)), marked)


@register("alltrue", [param("list", ListType(BOOL))], returns=BOOL)
def _alltrue(context: CallContext, args: Sequence[Value]) -> Value:
    for item in args[0].elements():
        if not item.is_known:
            return unknown_of(BOOL, [item])
        if item.is_null or not item.raw:
            return Value(BOOL, False)
    return Value(BOOL, True)


@register("anytrue", [param("list", ListType(BOOL))], returns=BOOL)
def _anytrue(context: CallContext, args: Sequence[Value]) -> Value:
    pending = None
    for item in args[0].elements():
        if not item.is_known:
            pending = pending or item
            continue
        if item.is_null:
            continue
        if item.raw:
            return Value(BOOL, True)
    if pending is not None:
        return unknown_of(BOOL, [pending])
    return Value(BOOL, False)


# --- chunklist, coalesce, coalescelist, compact, concat, contains, distinct ------------------------------------


def _chunklist_type(args: Sequence[Value]) -> Type:
    return ListType(typed(args[0], LIST_OF_ANY).type)


@register(
    "chunklist",
    [param("list", LIST_OF_ANY, allow_marked=True), param("size", NUMBER, allow_marked=True)],
    returns=_chunklist_type,
)
def _chunklist(context: CallContext, args: Sequence[Value]) -> Value:
    listing, list_marked = unmark(args[0])
    size_value, size_marked = unmark(args[1])
    marked = list_marked or size_marked
    size = whole_int(size_value, "size")
    if size < 0:
        raise FunctionError("the size argument must be positive", 1)
    list_type = listing.type
    items = listing.elements()
    if not items:
        return _list(list_type, [], marked)
    if size == 0:
        return _list(list_type, [listing], marked)
    element_type = list_type.element  # type: ignore[attr-defined]
    chunks = [_list(element_type, items[i : i + size]) for i in range(0, len(items), size)]
    return _list(list_type, chunks, marked)


def _coalesce_type(args: Sequence[Value]) -> Type:
    if not args:
        raise FunctionError("all arguments must have the same type")
    unified = cty_unify([a.type for a in args])
    if unified is None:
        raise FunctionError("all arguments must have the same type")
    return unified


@register(
    "coalesce",
    variadic=param("vals", allow_unknown=True, allow_null=True, allow_dynamic=True),
    returns=_coalesce_type,
)
def _coalesce(context: CallContext, args: Sequence[Value]) -> Value:
    result_type = _coalesce_type(args)
    for arg in args:
        value = convert(arg, result_type)
        if not value.is_known:
            return unknown_of(result_type, [value])
        if value.is_null:
            continue
        if result_type == STRING and value.raw == "":
            continue
        return value
    raise FunctionError("no non-null, non-empty-string arguments")


def _coalescelist_type(args: Sequence[Value]) -> Type:
    if not args:
        raise FunctionError("at least one argument is required")
    types = []
    for arg in args:
        if not arg.is_known:
            return DYNAMIC
        if not isinstance(arg.type, (ListType, TupleType)):
            raise FunctionError("coalescelist arguments must be lists or tuples")
        types.append(arg.type)
    return types[0] if all(t == types[0] for t in types) else DYNAMIC


@register(
    "coalescelist",
    variadic=param("vals", allow_unknown=True, allow_null=True, allow_dynamic=True),
    returns=_coalescelist_type,
)
def _coalescelist(context: CallContext, args: Sequence[Value]) -> Value:
    result_type = _coalescelist_type(args)
    for arg in args:
        if not arg.is_known:
            return unknown_of(result_type, [arg])
        if arg.is_null:
            continue
        if arg.elements():
            return arg
    raise FunctionError("no non-null arguments")


@register("compact", [param("list", LIST_OF_STRING)], returns=LIST_OF_STRING)
def _compact(context: CallContext, args: Sequence[Value]) -> Value:
    listing = args[0]
    if not listing.is_wholly_known:
        return unknown_of(LIST_OF_STRING, [listing, *listing.elements()])
    return _list(STRING, [item for item in listing.elements() if not item.is_null and item.raw != ""])


def _concat_type(args: Sequence[Value]) -> Type:
    if not args:
        raise FunctionError("at least one argument is required")
    if isinstance(args[0].type, ListType) and all(isinstance(a.type, ListType) for a in args):
        common = cty_unify([a.type for a in args])
        if common is not None:
            return common
    element_types: list[Type] = []
    for index, arg in enumerate(args):
        arg_type = arg.type
        if isinstance(arg_type, TupleType):
            element_types.extend(arg_type.elements)
        elif isinstance(arg_type, ListType):
            if not arg.is_known:
                return DYNAMIC
            element_types.extend([arg_type.element] * len(arg.elements()))
        else:
            raise FunctionError(f"all arguments must be lists or tuples; got {arg_type.friendly()}", index)
    return TupleType(tuple(element_types))


@register("concat", variadic=param("seqs", allow_marked=True), returns=_concat_type)
def _concat(context: CallContext, args: Sequence[Value]) -> Value:
    result_type = _concat_type(args)
    items: list[Value] = []
    marked = False
    for index, arg in enumerate(args):
        if isinstance(result_type, ListType):
            try:
                arg = convert(arg, result_type)
            except ConversionError as error:
                raise FunctionError(str(error), index) from None
        arg, arg_marked = unmark(arg)
        marked = marked or arg_marked
        items.extend(arg.elements())
    if isinstance(result_type, ListType):
        return _list(result_type.element, items, marked)
    return Value(TupleType(tuple(i.type for i in items)), tuple(items), marked)


@register("contains", [param("list"), param("value")], returns=BOOL)
def _contains(context: CallContext, args: Sequence[Value]) -> Value:
    listing, wanted = args
    if not isinstance(listing.type, (ListType, TupleType, SetType)):
        raise FunctionError("argument must be list, tuple, or set")
    items = listing.elements()
    if not items:
        return Value(BOOL, False)
    pending = False
    for item in items:
        eq = equals(wanted, item)
        if eq is None:
            pending = True
            continue
        if eq:
            return Value(BOOL, True)
    if pending:
        return unknown_of(BOOL, [listing, wanted])
    return Value(BOOL, False)


def _distinct_type(args: Sequence[Value]) -> Type:
    return typed(args[0], LIST_OF_ANY).type


@register("distinct", [param("list", LIST_OF_ANY)], returns=_distinct_type)
def _distinct(context: CallContext, args: Sequence[Value]) -> Value:
    listing = args[0]
    if not listing.is_wholly_known:
        return unknown_of(listing.type, [listing, *listing.elements()])
    kept: list[Value] = []
    for item in listing.elements():
        if not any(equals(other, item) for other in kept):
            kept.append(item)
    return _list(listing.type.element, kept)  # type: ignore[attr-defined]


# --- element, flatten, index, keys, lookup, matchkeys, merge, one -------------------------------------------------


def _element_type(args: Sequence[Value]) -> Type:
    listing, index = args
    list_type = listing.type
    if isinstance(list_type, ListType):
        return list_type.element
    if isinstance(list_type, TupleType):
        if not index.is_known:
            return DYNAMIC
        position = whole_int(typed(index, NUMBER), "index")
        if not list_type.elements:
            raise FunctionError("cannot use element function with an empty list")
        # Go's % keeps the dividend's sign, and a negative tuple index then fails (a panic in cty).
        position = int(Fraction(position) - len(list_type.elements) * int(Fraction(position, len(list_type.elements))))
        if position < 0:
            raise FunctionError("invalid index: negative index into a tuple")
        return list_type.elements[position]
    raise FunctionError(f"cannot read elements from {list_type.friendly()}")


@register("element", [param("list", allow_marked=True), param("index", NUMBER)], returns=_element_type)
def _element(context: CallContext, args: Sequence[Value]) -> Value:
    result_type = _element_type(args)
    listing, marked = unmark(args[0])
    index = whole_int(args[1], "index")
    items = listing.elements()
    if not items:
        raise FunctionError("cannot use element function with an empty list")
    length = len(items)
    position = index - length * int(Fraction(index, length))  # Go's truncated remainder
    if position < 0:
        position += length
    item = items[position]
    if isinstance(listing.type, ListType) and item.type != result_type:
        item = convert(item, result_type)
    return item.with_sensitive(marked)


def _flatten_items(value: Value) -> tuple[list[Value], bool, bool]:
    """cty's flattener: the flat items, whether the result is known, whether a mark was met."""
    value, marked = unmark(value)
    if not value.is_known:
        return [], False, marked
    if isinstance(value.type, SetType) and len(value.elements()) != 1 and not value.is_wholly_known:
        return [], False, marked
    items = value.elements() if isinstance(value.raw, tuple) else tuple(
        value.attributes()[k] for k in sorted(value.attributes())
    )
    out: list[Value] = []
    known = True
    for item in items:
        if not item.is_known and item.type == DYNAMIC:
            known = False
        if not item.is_null and isinstance(item.type, (ListType, SetType, TupleType)):
            if not item.is_known:
                known = False
                marked = marked or item.sensitive
                continue
            inner, inner_known, inner_marked = _flatten_items(item)
            marked = marked or inner_marked
            if inner_known:
                out.extend(inner)
            else:
                known = False
        else:
            out.append(item)
    return out, known, marked


def _flatten_type(args: Sequence[Value]) -> Type:
    value = args[0]
    if not value.is_wholly_known:
        return DYNAMIC
    if not isinstance(value.type, (ListType, SetType, TupleType)):
        raise FunctionError("can only flatten lists, sets and tuples")
    items, known, _ = _flatten_items(value)
    if not known:
        return DYNAMIC
    return TupleType(tuple(i.type for i in items))


@register("flatten", [param("list", allow_marked=True)], returns=_flatten_type)
def _flatten(context: CallContext, args: Sequence[Value]) -> Value:
    result_type = _flatten_type(args)
    value, marked = unmark(args[0])
    count = len(value.raw) if isinstance(value.raw, (tuple, dict)) else 0
    if count == 0:
        return Value(EMPTY_TUPLE, (), marked)
    items, known, inner_marked = _flatten_items(args[0])
    if not known:
        return unknown_of(result_type, [value], marked or inner_marked)
    return Value(TupleType(tuple(i.type for i in items)), tuple(items), marked or inner_marked)


@register("index", [param("list"), param("value")], returns=NUMBER)
def _index(context: CallContext, args: Sequence[Value]) -> Value:
    listing, wanted = args
    if not isinstance(listing.type, (ListType, TupleType)):
        raise FunctionError("argument must be a list or tuple")
    items = listing.elements()
    if not items:
        raise FunctionError("cannot search an empty list")
    for position, item in enumerate(items):
        eq = equals(item, wanted)
        if eq is None:
            return unknown_of(NUMBER, [item, wanted])
        if eq:
            return Value(NUMBER, int64_number(position))
    raise FunctionError("item not found")


def _keys_type(args: Sequence[Value]) -> Type:
    value_type = args[0].type
    if isinstance(value_type, MapType):
        return LIST_OF_STRING
    if isinstance(value_type, ObjectType):
        return TupleType((STRING,) * len(value_type.attributes))
    if value_type == DYNAMIC:
        return DYNAMIC
    raise FunctionError("must have map or object type", 0)


@register("keys", [param("inputMap", allow_unknown=True, allow_marked=True)], returns=_keys_type)
def _keys(context: CallContext, args: Sequence[Value]) -> Value:
    result_type = _keys_type(args)
    value, marked = unmark(args[0])
    if value.type == DYNAMIC:  # an unknown of unknown type (the parameter does not allow dynamic types)
        return unknown_of(DYNAMIC, [value], marked)
    if isinstance(value.type, ObjectType):  # from the type alone, known even when the object is not
        names = [Value(STRING, name) for name, _ in value.type.attributes]
        return Value(result_type, tuple(names), marked)
    if not value.is_known:
        return unknown_of(result_type, [value], marked)
    return _list(STRING, [Value(STRING, k) for k in sorted(value.attributes())], marked)


def _lookup_type(args: Sequence[Value]) -> Type:
    if len(args) > 3:
        raise FunctionError(f"lookup() takes two or three arguments, got {len(args)}")
    mapping = args[0]
    value_type = mapping.type
    key = typed(args[1], STRING)
    if value_type == DYNAMIC:
        return DYNAMIC
    if isinstance(value_type, ObjectType):
        if not key.is_known:
            return DYNAMIC
        types = value_type.attribute_types
        if key.raw in types:
            return types[key.raw]
        if len(args) == 3:
            return args[2].type
        raise FunctionError(f'the given object has no attribute "{key.raw}"', 0)
    if isinstance(value_type, MapType):
        if len(args) == 3:
            try:
                convert(args[2], value_type.element)
            except ConversionError:
                raise FunctionError("the default value must have the same type as the map elements", 2) from None
        return value_type.element
    raise FunctionError("lookup() requires a map as the first argument", 0)


@register(
    "lookup",
    [
        param("inputMap", allow_unknown=True, allow_marked=True),
        param("key", STRING, allow_unknown=True, allow_marked=True),
    ],
    variadic=param("default", allow_unknown=True, allow_null=True, allow_marked=True, allow_dynamic=True),
    returns=_lookup_type,
)
def _lookup(context: CallContext, args: Sequence[Value]) -> Value:
    result_type = _lookup_type(args)
    mapping, map_marked = unmark(args[0])
    key, key_marked = unmark(args[1])
    marked = map_marked or key_marked
    if mapping.type == DYNAMIC:  # unknown of unknown type: the parameter does not allow dynamic types
        return unknown_of(DYNAMIC, [mapping], marked)
    if not (mapping.is_known and key.is_known):
        return unknown_of(result_type, [mapping, key], marked)
    name = key.raw
    attributes = mapping.attributes()
    if name in attributes:
        return attributes[name].with_sensitive(marked)
    if len(args) == 3:
        try:
            default = convert(args[2], result_type)
        except ConversionError as error:
            raise FunctionError(str(error), 2) from None
        return default.with_sensitive(marked)
    shown = "(sensitive value)" if key_marked else name
    raise FunctionError(f"lookup failed to find key {shown}")


def _matchkeys_type(args: Sequence[Value]) -> Type:
    values, keys, searchset = (typed(a, LIST_OF_ANY) for a in args)
    if cty_unify([keys.type, searchset.type]) is None:
        raise FunctionError("keys and searchset must be of the same type")
    return values.type


@register(
    "matchkeys",
    [param("values", LIST_OF_ANY), param("keys", LIST_OF_ANY), param("searchset", LIST_OF_ANY)],
    returns=_matchkeys_type,
)
def _matchkeys(context: CallContext, args: Sequence[Value]) -> Value:
    result_type = _matchkeys_type(args)
    values, keys, searchset = args
    element_type = result_type.element  # type: ignore[attr-defined]
    if len(values.elements()) != len(keys.elements()):
        raise FunctionError("length of keys and values should be equal")
    common = cty_unify([keys.type, searchset.type])
    assert common is not None
    keys = convert(keys, common)
    searchset = convert(searchset, common)
    if not searchset.elements():
        return _list(element_type, [])
    if not values.is_wholly_known or not keys.is_wholly_known:
        return unknown_of(result_type, [values, keys, *values.elements(), *keys.elements()])
    output = []
    for position, key in enumerate(keys.elements()):
        for search in searchset.elements():
            eq = equals(key, search)
            if eq is None:
                return _list(element_type, [])
            if eq:
                output.append(values.elements()[position])
                break
    return _list(element_type, output)


def _merge_type(args: Sequence[Value]) -> Type:
    if not args:
        return EMPTY_OBJECT
    attributes: dict[str, Type] = {}
    first: Type | None = None
    matching = True
    attributes_known = True
    for index, arg in enumerate(args):
        arg_type = arg.type
        if arg_type == DYNAMIC:
            return DYNAMIC
        if not is_mapping_type(arg_type):
            raise FunctionError(f'arguments must be maps or objects, got "{arg_type.friendly()}"')
        if isinstance(arg_type, ObjectType) and not arg.is_null:
            attributes.update(arg_type.attribute_types)
        elif isinstance(arg_type, MapType):
            if arg.is_null:
                pass
            elif arg.is_known:
                for name in arg.attributes():
                    attributes[name] = arg_type.element
            else:
                attributes_known = False
        if index == 0:
            first = arg_type
            continue
        if arg_type != first:
            matching = False
    if matching:
        assert first is not None
        return first
    if not attributes_known:
        return DYNAMIC
    return ObjectType.of(attributes)


@register(
    "merge",
    variadic=param("maps", allow_null=True, allow_marked=True, allow_dynamic=True),
    returns=_merge_type,
)
def _merge(context: CallContext, args: Sequence[Value]) -> Value:
    result_type = _merge_type(args)
    output: dict[str, Value] = {}
    marked = False
    for arg in args:
        if arg.is_null:
            continue
        arg, arg_marked = unmark(arg)
        marked = marked or arg_marked
        output.update(arg.attributes())
    if isinstance(result_type, MapType):
        return map_of(result_type.element, output, marked)
    return Value(ObjectType.of({k: v.type for k, v in output.items()}), dict(sorted(output.items())), marked)


def _one_type(args: Sequence[Value]) -> Type:
    value_type = args[0].type
    if isinstance(value_type, (ListType, SetType)):
        return value_type.element
    if isinstance(value_type, TupleType):
        if len(value_type.elements) == 0:
            return DYNAMIC
        if len(value_type.elements) == 1:
            return value_type.elements[0]
    if value_type == DYNAMIC:
        return DYNAMIC
    raise FunctionError("must be a list, set, or tuple value with either zero or one elements", 0)


@register("one", [param("list")], returns=_one_type)
def _one(context: CallContext, args: Sequence[Value]) -> Value:
    result_type = _one_type(args)
    value = args[0]
    items = value.elements()
    if isinstance(value.type, SetType) and len(items) > 1 and not value.is_wholly_known:
        return unknown_of(result_type, [value, *items])
    if len(items) == 0:
        return Value(result_type, None)
    if len(items) == 1:
        return items[0]
    raise FunctionError("must be a list, set, or tuple value with either zero or one elements", 0)


# --- range, reverse, sets, slice, sort, transpose, values, zipmap ------------------------------------------------


@register("range", variadic=param("params", NUMBER), returns=ListType(NUMBER))
def _range(context: CallContext, args: Sequence[Value]) -> Value:
    numbers = [a.raw for a in args]
    if len(numbers) == 1:
        start, end, step = 0, numbers[0], (-1 if numbers[0] < 0 else 1)
    elif len(numbers) == 2:
        start, end = numbers
        step = -1 if end < start else 1
    elif len(numbers) == 3:
        start, end, step = numbers
    else:
        raise FunctionError("must have one, two, or three arguments")
    if step == 0:
        raise FunctionError("step must not be zero", 2)
    down = step < 0
    if down and end > start:
        raise FunctionError("end must be less than start when step is negative", 1)
    if not down and end < start:
        raise FunctionError("end must be greater than start when step is positive", 1)
    values: list[Value] = []
    current = start
    while (current > end) if down else (current < end):
        if len(values) >= 1024:
            raise FunctionError(
                "more than 1024 values were generated; either decrease the difference between start and end or "
                "use a smaller step"
            )
        values.append(Value(NUMBER, current))
        current = numeric.add(current, step)
    return _list(NUMBER, values)


def _reverse_type(args: Sequence[Value]) -> Type:
    value_type = args[0].type
    if isinstance(value_type, TupleType):
        return TupleType(tuple(reversed(value_type.elements)))
    if isinstance(value_type, (ListType, SetType)):
        return ListType(value_type.element)
    if value_type == DYNAMIC:
        return DYNAMIC
    raise FunctionError(f"can only reverse list or tuple values, not {value_type.friendly()}", 0)


@register("reverse", [param("list", allow_marked=True)], returns=_reverse_type)
def _reverse(context: CallContext, args: Sequence[Value]) -> Value:
    result_type = _reverse_type(args)
    value, marked = unmark(args[0])
    items = tuple(reversed(value.elements()))
    return Value(result_type, items, marked)


def _set_operation_type(args: Sequence[Value]) -> Type:
    element_types = []
    for arg in args:
        arg = typed(arg, SET_OF_ANY)
        if not isinstance(arg.type, SetType):
            return DYNAMIC
        element_type = arg.type.element
        if arg.is_known and not arg.elements() and element_type == DYNAMIC:
            continue
        element_types.append(element_type)
    if not element_types:
        return SET_OF_ANY
    unified = cty_unify(element_types)
    if unified is None:
        raise FunctionError("given sets must all have compatible element types")
    return SetType(unified)


def _set_operation(args: Sequence[Value], operation: str) -> Value:
    result_type = _set_operation_type(args)
    converted = []
    for index, arg in enumerate(args):
        try:
            arg = convert(arg, result_type)
        except ConversionError as error:
            raise FunctionError(str(error), index) from None
        if operation != "union" and not arg.is_wholly_known:
            return unknown_of(result_type, [arg, *arg.elements()])
        converted.append(arg)
    from mlmarket.terraform.values import canonical_key

    result = list(converted[0].elements())
    for other in converted[1:]:
        other_items = other.elements()
        other_keys = {canonical_key(item) for item in other_items}
        if operation == "union":
            result = result + list(other_items)
        elif operation == "intersection":
            result = [item for item in result if canonical_key(item) in other_keys]
        else:
            result = [item for item in result if canonical_key(item) not in other_keys]
    return set_of(result_type.element, result)  # type: ignore[attr-defined]


@register(
    "setunion",
    [param("first_set", SET_OF_ANY, allow_dynamic=True)],
    variadic=param("other_sets", SET_OF_ANY, allow_dynamic=True),
    returns=_set_operation_type,
)
def _setunion(context: CallContext, args: Sequence[Value]) -> Value:
    return _set_operation(args, "union")


@register(
    "setintersection",
    [param("first_set", SET_OF_ANY, allow_dynamic=True)],
    variadic=param("other_sets", SET_OF_ANY, allow_dynamic=True),
    returns=_set_operation_type,
)
def _setintersection(context: CallContext, args: Sequence[Value]) -> Value:
    return _set_operation(args, "intersection")


@register(
    "setsubtract",
    [param("a", SET_OF_ANY, allow_dynamic=True), param("b", SET_OF_ANY, allow_dynamic=True)],
    returns=_set_operation_type,
)
def _setsubtract(context: CallContext, args: Sequence[Value]) -> Value:
    return _set_operation(args, "subtract")


def _setproduct_type(args: Sequence[Value]) -> Type:
    if len(args) < 2:
        raise FunctionError("at least two arguments are required")
    list_count = 0
    element_types: list[Type] = []
    for index, arg in enumerate(args):
        arg_type = arg.type
        if arg_type == DYNAMIC:
            return DYNAMIC
        if isinstance(arg_type, SetType):
            element_types.append(arg_type.element)
        elif isinstance(arg_type, ListType):
            element_types.append(arg_type.element)
            list_count += 1
        elif isinstance(arg_type, TupleType):
            if not arg_type.elements:
                element_types.append(DYNAMIC)
            else:
                unified = cty_unify(list(arg_type.elements))
                if unified is None:
                    raise FunctionError("all elements must be of the same type", index)
                element_types.append(unified)
            list_count += 1
        else:
            raise FunctionError("a set or a list is required", index)
    tuple_type = TupleType(tuple(element_types))
    return ListType(tuple_type) if list_count == len(args) else SetType(tuple_type)


def _upper_length(value: Value) -> int | None:
    """The most elements `value` can have (cty's Range().LengthUpperBound()); None when unbounded."""
    if isinstance(value.type, TupleType):
        return len(value.type.elements)
    if not value.is_known or (isinstance(value.type, SetType) and not value.is_wholly_known):
        return None
    return len(value.elements())


@register("setproduct", variadic=param("sets", allow_unknown=True, allow_marked=True), returns=_setproduct_type)
def _setproduct(context: CallContext, args: Sequence[Value]) -> Value:
    result_type = _setproduct_type(args)
    marked = False
    unknown_length = False
    unmarked: list[Value] = []
    for arg in args:
        arg, arg_marked = unmark(arg)
        marked = marked or arg_marked
        unmarked.append(arg)
        if not arg.is_known or (
            isinstance(arg.type, SetType) and len(arg.elements()) != 1 and not arg.is_wholly_known
        ):
            unknown_length = True
    if result_type == DYNAMIC:
        return unknown_of(DYNAMIC, unmarked, marked)
    tuple_type = result_type.element  # type: ignore[attr-defined]
    if unknown_length:
        # cty refines the unknown result with the product of the arguments' maximum lengths, and a refinement
        # to length 0 makes it a known empty collection; an unbounded argument leaves it unrefined.
        bound = 1
        for arg in unmarked:
            upper = _upper_length(arg)
            if upper is None or upper > 1024:
                return unknown_of(result_type, unmarked, marked)
            bound *= upper
            if bound > 2048:
                return unknown_of(result_type, unmarked, marked)
        if bound == 0:
            return _empty_collection(result_type, marked)
        return unknown_of(result_type, unmarked, marked)
    item_lists = [arg.elements() for arg in unmarked]
    if any(len(items) == 0 for items in item_lists):
        return _empty_collection(result_type, marked)
    products: list[list[Value]] = [[]]
    for items in item_lists:
        products = [[*prefix, item] for prefix in products for item in items]
    rows = []
    for row in products:
        converted = [convert(v, t) if v.type != t else v for v, t in zip(row, tuple_type.elements, strict=True)]
        rows.append(Value(TupleType(tuple(v.type for v in converted)), tuple(converted)))
    if isinstance(result_type, ListType):
        return _list(tuple_type, rows, marked)
    return set_of(tuple_type, rows, marked)


def _empty_collection(collection_type: Type, marked: bool) -> Value:
    if isinstance(collection_type, SetType):
        return set_of(collection_type.element, [], marked)
    return _list(collection_type.element, [], marked)  # type: ignore[attr-defined]


def _slice_indexes(args: Sequence[Value]) -> tuple[int, int, bool]:
    listing = args[0]
    length = None
    if isinstance(listing.type, TupleType):
        length = len(listing.type.elements)
    elif listing.is_known:
        length = len(listing.elements())
    start_value, end_value = typed(args[1], NUMBER), typed(args[2], NUMBER)
    start = end = 0
    if start_value.is_known:
        start = _index_argument(start_value, "start")
        if start < 0:
            raise FunctionError("start index must not be less than zero", 1)
        if length is not None and start > length:
            raise FunctionError("start index must not be greater than the length of the list", 1)
    if end_value.is_known:
        end = _index_argument(end_value, "end")
        if end < 0:
            raise FunctionError("end index must not be less than zero", 2)
        if length is not None and end > length:
            raise FunctionError("end index must not be greater than the length of the list", 2)
    known = start_value.is_known and end_value.is_known
    if known and start > end:
        raise FunctionError("start index must not be greater than end index", 1)
    return start, end, known


def _index_argument(value: Value, which: str) -> int:
    try:
        return whole_int(value, f"{which} index")
    except FunctionError as error:
        raise FunctionError(str(error), 1 if which == "start" else 2) from None


def _slice_type(args: Sequence[Value]) -> Type:
    value_type = args[0].type
    if isinstance(value_type, SetType):
        raise FunctionError(
            "cannot slice a set, because its elements do not have indices; explicitly convert to a list if the "
            "ordering of the result is not important",
            0,
        )
    if value_type == DYNAMIC:
        return DYNAMIC
    if not isinstance(value_type, (ListType, TupleType)):
        raise FunctionError("must be a list or tuple value", 0)
    start, end, known = _slice_indexes(args)
    if isinstance(value_type, ListType):
        return value_type
    if not known:
        return DYNAMIC
    return TupleType(value_type.elements[start:end])


@register(
    "slice",
    [param("list", allow_marked=True), param("start_index", NUMBER), param("end_index", NUMBER)],
    returns=_slice_type,
)
def _slice(context: CallContext, args: Sequence[Value]) -> Value:
    result_type = _slice_type(args)
    value, marked = unmark(args[0])
    start, end, _ = _slice_indexes(args)
    items = value.elements()[start:end]
    return Value(result_type, tuple(items), marked)


@register("sort", [param("list", allow_unknown=True, allow_dynamic=True)], returns=LIST_OF_STRING)
def _sort(context: CallContext, args: Sequence[Value]) -> Value:
    # The parameter is list(string); it is declared dynamic here to see what the argument was before HCL's
    # conversion, which decides cty's refinement of an unknown result.
    original = args[0]
    try:
        listing = convert_to(original, LIST_OF_STRING)
    except ConversionError as error:
        raise FunctionError(f'Invalid value for "list" parameter: {error}', 0) from None
    if not original.is_known:
        if isinstance(original.type, TupleType):  # converted to a list of known length: known, of unknowns
            return _list(STRING, [unknown_of(STRING, [original]) for _ in original.type.elements])
        return unknown_of(LIST_OF_STRING, [original])
    if not listing.is_wholly_known:
        items = listing.elements()
        if isinstance(original.type, SetType) and len(items) != 1:  # unknown elements may coalesce
            return unknown_of(LIST_OF_STRING, items)
        # cty refines the unknown result to the list's exact length, which makes it a known list of unknowns.
        return _list(STRING, [unknown_of(STRING, items) for _ in items])
    items = listing.elements()
    for position, item in enumerate(items):
        if item.is_null:
            raise FunctionError(f"given list element {position} is null; a null string cannot be sorted")
    return _list(STRING, sorted(items, key=lambda v: v.raw.encode("utf-8")))


_MAP_OF_LISTS = MapType(LIST_OF_STRING)


@register("transpose", [param("values", _MAP_OF_LISTS)], returns=_MAP_OF_LISTS)
def _transpose(context: CallContext, args: Sequence[Value]) -> Value:
    mapping = args[0]
    if not mapping.is_wholly_known:
        return unknown_of(_MAP_OF_LISTS, [mapping])
    collected: dict[str, list[str]] = {}
    for key, listing in sorted(mapping.attributes().items()):
        if listing.is_null:
            raise FunctionError("input must not contain null list")
        for item in listing.elements():
            if item.is_null:
                raise FunctionError("input list must not contain null string")
            collected.setdefault(item.raw, []).append(key)
    output = {
        name: _list(STRING, [Value(STRING, k) for k in sorted(keys, key=lambda s: s.encode("utf-8"))])
        for name, keys in collected.items()
    }
    return map_of(LIST_OF_STRING, output)


def _values_type(args: Sequence[Value]) -> Type:
    value_type = args[0].type
    if isinstance(value_type, MapType):
        return ListType(value_type.element)
    if isinstance(value_type, ObjectType):
        return TupleType(tuple(t for _, t in value_type.attributes))
    if value_type == DYNAMIC:
        return DYNAMIC
    raise FunctionError("values() requires a map as the first argument")


@register("values", [param("mapping", allow_marked=True)], returns=_values_type)
def _values(context: CallContext, args: Sequence[Value]) -> Value:
    result_type = _values_type(args)
    value, marked = unmark(args[0])
    attributes = value.attributes()
    items = tuple(attributes[k] for k in sorted(attributes))
    return Value(result_type, items, marked)


def _zipmap_type(args: Sequence[Value]) -> Type:
    keys, values = typed(args[0], LIST_OF_STRING), args[1]
    values_type = values.type
    if isinstance(values_type, ListType):
        return MapType(values_type.element)
    if isinstance(values_type, TupleType):
        if not keys.is_wholly_known:
            return DYNAMIC
        key_items = keys.elements()
        if len(key_items) != len(values_type.elements):
            raise FunctionError(
                f"number of keys ({len(key_items)}) does not match number of values ({len(values_type.elements)})"
            )
        attributes: dict[str, Type] = {}
        for position, key in enumerate(key_items):
            if key.is_null:
                raise FunctionError(f"keys list has null value at index {position}")
            attributes[key.raw] = values_type.elements[position]
        return ObjectType.of(attributes)
    if values_type == DYNAMIC:
        return DYNAMIC
    raise FunctionError("values argument must be a list or tuple value")


@register(
    "zipmap",
    [param("keys", LIST_OF_STRING, allow_marked=True), param("values", allow_marked=True)],
    returns=_zipmap_type,
)
def _zipmap(context: CallContext, args: Sequence[Value]) -> Value:
    result_type = _zipmap_type(args)
    keys, keys_marked = unmark(args[0])
    values, values_marked = unmark(args[1])
    marked = keys_marked or values_marked
    if not keys.is_wholly_known:
        return unknown_of(result_type, [keys, *keys.elements()], marked)
    key_items, value_items = keys.elements(), values.elements()
    if len(key_items) != len(value_items):
        raise FunctionError(
            f"number of keys ({len(key_items)}) does not match number of values ({len(value_items)})"
        )
    output: dict[str, Value] = {}
    for key, value in zip(key_items, value_items, strict=True):
        if key.is_null:
            raise FunctionError("keys list has null value")
        marked = marked or key.sensitive
        output[key.raw] = value
    if isinstance(result_type, MapType):
        return map_of(result_type.element, output, marked)
    return Value(result_type, dict(sorted(output.items())), marked)
