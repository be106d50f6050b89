"""Terraform's sensitivity functions: sensitive, nonsensitive, issensitive. Each acts on the value's own
(top-level) mark, as Terraform's do; marks inside a collection stay where they are."""

from __future__ import annotations

from collections.abc import Sequence

from mlmarket.terraform.functions import CallContext
from mlmarket.terraform.functions._common import param, register, unknown_of, unmark
from mlmarket.terraform.values import BOOL, Value

_ANY = dict(allow_null=True, allow_unknown=True, allow_marked=True, allow_dynamic=True)


@register("sensitive", [param("value", **_ANY)], returns=lambda args: args[0].type)
def _sensitive(context: CallContext, args: Sequence[Value]) -> Value:
    return args[0].with_sensitive(True)


@register("nonsensitive", [param("value", **_ANY)], returns=lambda args: args[0].type)
def _nonsensitive(context: CallContext, args: Sequence[Value]) -> Value:
    # Terraform 1.11 accepts a value that is not sensitive (earlier versions refused it as redundant).
    return unmark(args[0])[0]


@register("issensitive", [param("value", **_ANY)], returns=BOOL)
def _issensitive(context: CallContext, args: Sequence[Value]) -> Value:
    value = args[0]
    if value.sensitive:
        return Value(BOOL, True)
    if not value.is_known:
        return unknown_of(BOOL, [value])
    return Value(BOOL, False)
