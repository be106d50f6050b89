"""Terraform's type conversion functions: tobool, tonumber, tostring, tolist, toset, tomap (Terraform's
MakeToFunc) and ephemeralasnull. `type()` is not here: Terraform offers it only in `terraform console`, so in a
configuration it is an unknown function (an error), and `try`/`can` are special forms of the evaluator."""

from __future__ import annotations

import json
from collections.abc import Sequence

from mlmarket.terraform.functions import CallContext, FunctionError
from mlmarket.terraform.functions._common import conversion_type, convert_to, param, register, unknown_of
from mlmarket.terraform.values import (
    BOOL,
    DYNAMIC,
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
)


def _constraint_name(want: Type) -> str:
    # cty's FriendlyNameForConstraint: "list of any single type" for list(any).
    if isinstance(want, (ListType, SetType, MapType)) and want.element == DYNAMIC:
        kind = {ListType: "list", SetType: "set", MapType: "map"}[type(want)]
        return f"{kind} of any single type"
    return want.friendly()


def _conversion_possible(source: Type, want: Type) -> bool:
    """cty's GetConversionUnsafe(source, want) is not nil."""
    return conversion_type(source, want) is not None


def _holds_an_unknown_of_unknown_type(value: Value) -> bool:
    if value.is_null or not isinstance(value.type, (ObjectType, TupleType)):
        return False
    items = value.attributes().values() if isinstance(value.type, ObjectType) else value.elements()
    return any(item.type == DYNAMIC and not item.is_known for item in items)


def _make_to(name: str, want: Type) -> None:
    def result_type(args: Sequence[Value]) -> Type:
        got = args[0].type
        if got == want:
            return want
        if not _conversion_possible(got, want):
            if isinstance(got, TupleType) and isinstance(want, TupleType):
                raise FunctionError("incompatible tuple type for conversion", 0)
            if isinstance(got, ObjectType) and isinstance(want, ObjectType):
                raise FunctionError("incompatible object type for conversion", 0)
            raise FunctionError(f"cannot convert {got.friendly()} to {_constraint_name(want)}", 0)
        return want

    def implementation(context: CallContext, args: Sequence[Value]) -> Value:
        returns = result_type(args)
        value = args[0]
        if not value.is_known:
            return unknown_of(returns, [value], value.sensitive)
        if (
            isinstance(value.type, SetType)
            and isinstance(returns, (ListType, TupleType))
            and len(value.elements()) != 1
            and not value.is_wholly_known
        ):
            # The unknown elements of a set may coalesce: a list of them has no known length yet.
            return unknown_of(conversion_type(value.type, returns) or returns, value.elements(), value.sensitive)
        if returns in (ListType(DYNAMIC), MapType(DYNAMIC)) and _holds_an_unknown_of_unknown_type(value):
            # An element of unknown type: cty cannot tell the single element type yet, so the result is unknown
            # (Terraform's validation walk meets this for every attribute of a resource).
            return unknown_of(returns, [value], value.sensitive)
        try:
            return convert_to(value, returns)
        except ConversionError:
            if value.is_sensitive_anywhere:
                raise FunctionError(
                    f"cannot convert this sensitive {value.type.friendly()} to {_constraint_name(want)}", 0
                ) from None
            if value.type == STRING and want == BOOL:
                raise FunctionError(
                    f'cannot convert {json.dumps(value.raw)} to bool; only the strings "true" or "false" are '
                    "allowed",
                    0,
                ) from None
            if value.type == STRING and want == NUMBER:
                raise FunctionError(
                    f"cannot convert {json.dumps(value.raw)} to number; given string must be a decimal "
                    "representation of a number",
                    0,
                ) from None
            raise FunctionError(f"cannot convert {value.type.friendly()} to {_constraint_name(want)}", 0) from None

    register(
        name,
        [param("v", allow_null=True, allow_unknown=True, allow_marked=True, allow_dynamic=True)],
        returns=result_type,
    )(implementation)


_make_to("tobool", BOOL)
_make_to("tonumber", NUMBER)
_make_to("tostring", STRING)
_make_to("tolist", ListType(DYNAMIC))
_make_to("toset", SetType(DYNAMIC))
_make_to("tomap", MapType(DYNAMIC))


@register(
    "ephemeralasnull",
    [param("value", allow_null=True, allow_unknown=True, allow_marked=True, allow_dynamic=True)],
    returns=lambda args: args[0].type,
)
def _ephemeralasnull(context: CallContext, args: Sequence[Value]) -> Value:
    # mlmarket reads no ephemeral values (ephemeral resources and variables are unknown to it), so there is
    # nothing to replace with null.
    return args[0]
