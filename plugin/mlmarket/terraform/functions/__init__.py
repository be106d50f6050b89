"""Terraform's built-in functions, called the way go-cty's function package calls them.

Each function is declared once with its parameters (types as in `terraform metadata functions -json`, and
whether a parameter accepts null, unknown or marked values) and an implementation that sees only what the
declaration lets through: arguments converted to the parameter types, known unless the parameter allows unknown,
non-null unless it allows null. `call` does the rest as cty does:
- an unknown argument to a parameter that does not allow it makes the result unknown (of the declared return
  type), without calling the implementation;
- a sensitive argument makes the result sensitive, unless its parameter allows marks (then the implementation
  decides, as cty's AllowMarked);
- a wrong argument (type, null, arity) or an error of the implementation is a `FunctionError`.
A function mlmarket does not implement gives an unknown value that names it, never a guess.
The modules of this package register their functions on import (see `_load`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from mlmarket.terraform.values import (
    DYNAMIC,
    ConversionError,
    Type,
    Value,
    any_sensitive,
    convert,
    merge_refs,
    refine_not_null,
    unknown,
    without_marks,
)


@dataclass(frozen=True)
class Param:
    name: str
    type: Type = DYNAMIC
    allow_null: bool = False
    allow_unknown: bool = False
    # cty's AllowMarked: the implementation sees the argument's sensitive marks and decides which reach the
    # result; otherwise `call` takes them off (deeply) and marks the whole result.
    allow_marked: bool = False


@dataclass
class CallContext:
    """What filesystem functions may see: `path.module` of the calling module, and the directories they may
    read (the scanned tree and the module directories it calls), with a size bound per file."""

    module_dir: str = "."
    readable_roots: tuple[str, ...] = ()
    max_file_bytes: int = 4 * 1024 * 1024
    # Filled by the evaluator: renders a template file for templatefile() with the given variables.
    render_template: Callable[[str, str, Value], Value] | None = None


ReturnType = Type | Callable[[Sequence[Value]], Type]
Implementation = Callable[[CallContext, Sequence[Value]], Value]


@dataclass(frozen=True)
class Function:
    name: str
    params: tuple[Param, ...]
    variadic: Param | None
    returns: ReturnType
    implementation: Implementation = field(repr=False)

    def return_type(self, args: Sequence[Value]) -> Type:
        return self.returns(args) if callable(self.returns) else self.returns


class FunctionError(Exception):
    """Terraform refuses the call ("Invalid function argument", "Error in function call")."""

    def __init__(self, message: str, argument: int | None = None) -> None:
        super().__init__(message)
        self.argument = argument


REGISTRY: dict[str, Function] = {}


def function(
    name: str,
    params: Sequence[Param] = (),
    variadic: Param | None = None,
    returns: ReturnType = DYNAMIC,
) -> Callable[[Implementation], Implementation]:
    """Register `implementation` as the Terraform function `name`."""

    def register(implementation: Implementation) -> Implementation:
        if name in REGISTRY:
            raise RuntimeError(f"function {name} registered twice")
        REGISTRY[name] = Function(name, tuple(params), variadic, returns, implementation)
        return implementation

    return register


def lookup_function(name: str) -> Function | None:
    _load()
    return REGISTRY.get(name.removeprefix("core::"))


def call(name: str, args: Sequence[Value], context: CallContext | None = None) -> Value:
    """Call a built-in function by name (`core::` prefix allowed) with evaluated arguments."""
    context = context or CallContext()
    found = lookup_function(name)
    if found is None:
        return unknown(
            DYNAMIC,
            f"function {name}() is not evaluated by mlmarket",
            merge_refs(args),
            any_sensitive(args),
        )
    return _call(found, list(args), context)


def _call(fn: Function, args: list[Value], context: CallContext) -> Value:
    params = list(fn.params)
    if len(args) < len(params) or (fn.variadic is None and len(args) > len(params)):
        expected = f"{len(params)}" if fn.variadic is None else f"at least {len(params)}"
        raise FunctionError(f"{fn.name}: {expected} argument(s) required, {len(args)} given")
    converted: list[Value] = []
    sensitive = False
    wait_for_unknown = False
    for index, arg in enumerate(args):
        param = params[index] if index < len(params) else fn.variadic
        assert param is not None
        if not param.allow_marked and arg.is_sensitive_anywhere:
            sensitive = True
            arg = without_marks(arg)
        # HCL converts each argument to its parameter's type first (an unknown one too: its type must convert).
        try:
            arg = convert(arg, param.type)
        except ConversionError as error:
            raise FunctionError(f"{fn.name}: invalid value for {param.name}: {error}", index) from None
        if arg.is_null and not param.allow_null:
            raise FunctionError(f"{fn.name}: argument {param.name} must not be null", index)
        if not arg.is_known and not param.allow_unknown:
            wait_for_unknown = True
        converted.append(arg)
    if wait_for_unknown:
        result = unknown(fn.return_type(converted), _unknown_reason(args), merge_refs(args), sensitive)
        return _refined_result(fn, result)
    try:
        result = fn.implementation(context, converted)
    except OverflowError:
        # An infinite argument where the implementation needs a finite number.
        raise FunctionError(f"{fn.name}: an infinite number is not supported here") from None
    result = _refined_result(fn, result)
    return result.with_sensitive(sensitive) if sensitive else result


def _refined_result(fn: Function, result: Value) -> Value:
    """cty's RefineResult: most functions never return null, so an unknown result of theirs is not null."""
    if result.is_known or fn.name in _RESULT_MAY_BE_NULL:
        return result
    return refine_not_null(result)


# The functions (Terraform 1.11's, and go-cty's it uses) declared without RefineResult.
_RESULT_MAY_BE_NULL = frozenset({
    "can", "element", "ephemeralasnull", "index", "issensitive", "jsondecode", "list", "lookup", "map",
    "nonsensitive", "one", "sensitive", "strcontains", "templatefile", "templatestring", "timeadd", "tobool",
    "tolist", "tomap", "tonumber", "toset", "tostring", "try", "type",
})


def _unknown_reason(args: Sequence[Value]) -> str:
    for arg in args:
        if not arg.is_known:
            return arg.reason
    return "known only after apply"


_LOADED = False


def _load() -> None:
    """Import the modules that register functions (once; they import this module, so not at its top)."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
