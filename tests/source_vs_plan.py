"""The source reader against the plan reader: one stack read both ways, compared over what the rules read.

A plan is Terraform's own word on a configuration before apply, so the plan reader's stack is the reference and
the source reader's must match it:

    comparison = compare(source_stack, plan_stack)
    comparison.differences  # [] when the two agree

What is compared, for the addresses both stacks hold:
- every attribute place a rule reads on either side. The places are recorded by running every rule over both
  stacks with attributes that note each read (`rule_reads`), so the set follows the rules as they change: a
  scalar read is compared by value, a list read by its length, a block a rule reads as a whole (`is_present`
  iterates it) by all it holds;
- each resource's region, pinned account and whole-resource unknown mark, and the stack's default region and
  pinned accounts (rules read those through the model, not through attributes).

Two places agree when both hold the same known value (numbers by value, never a bool for a number), both are
absent or null, or both are unknown and their references lead to the same resource of their own stack (the
rules follow references to ECR repositories and S3 buckets). Any other pair is a Difference, unless `expected`
explains it: EXPECTED lists the kinds of difference that are not errors of either reader, each with its reason.
Nothing here reads a file or runs Terraform: two stacks in, differences out.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from mlmarket.engine import evaluate
from mlmarket.model import Resource, Stack, Unknown, module_prefix
from mlmarket.readers import provider_schema
from mlmarket.rules import all_rules

Place = tuple[str | int, ...]

# A seller account for the recording runs only, so that the account rules read what they would read in a scan
# that sets one (without it they stop before reading the images).
_RECORDING_SELLER = "111122223333"


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


ABSENT = _Absent()
"""The value of a place that a stack does not hold."""

# Kinds of Difference.
ONLY_IN_PLAN = "address only in the plan"
ONLY_IN_SOURCE = "address only in the source"
VALUE = "known values differ"
SOURCE_UNKNOWN = "unknown in the source, known in the plan"
PLAN_UNKNOWN = "known in the source, unknown in the plan"
REFERENCE = "unknown on both sides, references lead to different resources"
SHAPE = "different shapes"


@dataclass(frozen=True)
class Difference:
    address: str  # a resource address, or "(stack)"
    where: str  # an attribute path (`production_variants[0].volume_size_in_gb`), `(region)`, `(address)`, ...
    kind: str
    source: Any
    plan: Any
    resource_type: str = ""

    def __str__(self) -> str:
        return f"{self.address} {self.where}: {self.kind} (source {_show(self.source)}, plan {_show(self.plan)})"


@dataclass(frozen=True)
class ExpectedKind:
    """A kind of difference that is no error of either reader."""

    name: str
    why: str
    matches: Callable[[Difference], bool]


@dataclass
class Comparison:
    addresses_source: int = 0
    addresses_plan: int = 0
    addresses_agreeing: int = 0
    places_compared: int = 0  # attribute places and resource fields of the addresses both hold, stack fields
    places_agreeing: int = 0  # no difference, or only differences EXPECTED explains
    places_explained: int = 0  # of those, the places that agree only thanks to EXPECTED
    differences: list[Difference] = field(default_factory=list)  # none of EXPECTED explains them
    explained: list[tuple[Difference, str]] = field(default_factory=list)  # (difference, ExpectedKind.name)


def _show(value: Any) -> str:
    if isinstance(value, Unknown):
        return f"unknown ({value.reason})"
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


# --- what the rules read ---------------------------------------------------------------------------------------


class _ReadLog:
    def __init__(self) -> None:
        self.places: dict[str, set[Place]] = {}
        self.whole: dict[str, set[Place]] = {}

    def note(self, address: str, place: Place, whole: bool = False) -> None:
        (self.whole if whole else self.places).setdefault(address, set()).add(place)


class _RecordingDict(dict):
    """Attributes that note every read: a key read by `get`, `[]` or `in`; the whole mapping when iterated."""

    def __init__(self, items: dict[str, Any], place: Place, note: Callable[..., None]) -> None:
        super().__init__(items)
        self._place = place
        self._note = note

    def get(self, key: Any, default: Any = None) -> Any:
        self._note((*self._place, key))
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self._note((*self._place, key))
        return super().__getitem__(key)

    def __contains__(self, key: Any) -> bool:
        self._note((*self._place, key))
        return super().__contains__(key)

    def _read_whole(self) -> None:
        self._note(self._place, whole=True)

    def __iter__(self):
        self._read_whole()
        return super().__iter__()

    def __len__(self) -> int:
        self._read_whole()
        return super().__len__()

    def keys(self):
        self._read_whole()
        return super().keys()

    def values(self):
        self._read_whole()
        return super().values()

    def items(self):
        self._read_whole()
        return super().items()


class _RecordingList(list):
    """A list that notes a read of its length (iterating or indexing it tells how many items there are)."""

    def __init__(self, items: list[Any], place: Place, note: Callable[..., None]) -> None:
        super().__init__(items)
        self._place = place
        self._note = note

    def __iter__(self):
        self._note(self._place)
        return super().__iter__()

    def __len__(self) -> int:
        self._note(self._place)
        return super().__len__()

    def __getitem__(self, index: Any) -> Any:
        self._note(self._place)
        return super().__getitem__(index)


def _recording(value: Any, place: Place, note: Callable[..., None]) -> Any:
    if isinstance(value, dict):
        return _RecordingDict({k: _recording(v, (*place, k), note) for k, v in value.items()}, place, note)
    if isinstance(value, list):
        return _RecordingList([_recording(v, (*place, i), note) for i, v in enumerate(value)], place, note)
    return value


def rule_reads(stack: Stack) -> _ReadLog:
    """The attribute places every rule reads on `stack`, by address. Runs the rules on a recording copy: the
    stack itself is not touched. Resource skips are dropped from the copy, so every rule reads."""
    log = _ReadLog()

    def copy(resource: Resource) -> Resource:
        def note(place: Place, whole: bool = False) -> None:
            log.note(resource.address, place, whole)

        return dataclasses.replace(resource, attributes=_recording(resource.attributes, (), note), skips={},
                                   derived={})

    copied = dataclasses.replace(stack, resources=[copy(r) for r in stack.resources],
                                 seller_account=stack.seller_account or _RECORDING_SELLER)
    evaluate(copied, all_rules())
    return log


# --- comparing one place ---------------------------------------------------------------------------------------


def _at(value: Any, place: Place) -> Any:
    """The value at `place`; ABSENT where the stack does not hold it, the Unknown that stands in the way."""
    for step in place:
        if isinstance(value, Unknown):
            return value
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return ABSENT
            value = list.__getitem__(value, step)
        else:
            if not isinstance(value, dict) or step not in dict.keys(value):
                return ABSENT
            value = dict.get(value, step)
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same_scalar(source: Any, plan: Any) -> bool:
    if _is_number(source) and _is_number(plan):
        if isinstance(source, float) and isinstance(plan, float) and math.isnan(source) and math.isnan(plan):
            return True
        return source == plan
    return type(source) is type(plan) and source == plan


def _empty(value: Any) -> bool:
    return value is ABSENT or value is None


class _Sides:
    """The two stacks, for following an unknown value's references to a resource of its own stack."""

    def __init__(self, source: Stack, plan: Stack) -> None:
        self.source = source
        self.plan = plan

    def same_target(self, address: str, source: Unknown, plan: Unknown) -> tuple[bool, str, str]:
        prefix = module_prefix(address)
        source_target = self.source.referenced(source.references, prefix)
        plan_target = self.plan.referenced(plan.references, prefix)
        source_address = source_target.address if source_target else "(none)"
        plan_address = plan_target.address if plan_target else "(none)"
        return source_address == plan_address, source_address, plan_address


def _compare_value(
    sides: _Sides, address: str, where: str, source: Any, plan: Any, whole: bool
) -> list[tuple[str, Any, Any, str]]:
    """(where, source, plan, kind) for every disagreement at one place; `whole` compares everything below."""
    source_unknown, plan_unknown = isinstance(source, Unknown), isinstance(plan, Unknown)
    if source_unknown and plan_unknown:
        same, source_target, plan_target = sides.same_target(address, source, plan)
        if same:
            return []
        return [(where, source, plan, f"{REFERENCE} (source: {source_target}, plan: {plan_target})")]
    if source_unknown:
        return [(where, source, plan, SOURCE_UNKNOWN)]
    if plan_unknown:
        return [(where, source, plan, PLAN_UNKNOWN)]
    if _empty(source) and _empty(plan):
        return []
    if isinstance(source, dict) and isinstance(plan, dict):
        if not whole:
            return []
        found = []
        for key in sorted({*dict.keys(source), *dict.keys(plan)}, key=str):
            found += _compare_value(
                sides, address, f"{where}.{key}" if where else str(key),
                dict.get(source, key, ABSENT), dict.get(plan, key, ABSENT), True,
            )
        return found
    if isinstance(source, list) and isinstance(plan, list):
        if len(source) != len(plan):
            return [(where, f"{len(source)} items", f"{len(plan)} items", SHAPE)]
        if not whole:
            return []
        found = []
        for index, (item_source, item_plan) in enumerate(zip(source, plan, strict=True)):
            found += _compare_value(sides, address, f"{where}[{index}]", item_source, item_plan, True)
        return found
    if isinstance(source, (dict, list)) or isinstance(plan, (dict, list)):
        # A block on one side and nothing (or a scalar) on the other.
        return [(where, source, plan, VALUE if _empty(source) or _empty(plan) else SHAPE)]
    if _same_scalar(source, plan):
        return []
    return [(where, source, plan, VALUE)]


def path_text(place: Place) -> str:
    text = ""
    for step in place:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def path_pattern(where: str) -> str:
    """`production_variants[1].x` -> `production_variants[*].x`: the form EXPECTED lists places in."""
    return re.sub(r"\[[0-9]+\]", "[*]", where)


# --- the expected kinds of difference --------------------------------------------------------------------------

PROVIDER_DEFAULTS: dict[tuple[str, str], Any] = {
    # Optional arguments the provider fills with a default when nobody writes them: a plan shows the default,
    # the source (which knows no provider schema) shows the argument as not written. Only places some rule
    # reads matter here.
}

# Reasons the plan reader gives for an unknown inside a nested block generated by a `dynamic` block, or inside
# a list of blocks some of which a `dynamic` block made (the plan's configuration does not show those blocks).
_PLAN_READER_DYNAMIC_BLOCK_REASONS = (
    "(a nested block generated by a dynamic block)",
    "(written in a dynamic block)",
    "(blocks written literally and by a dynamic block",
)
# The plan reader resolves a provider's region only from a literal or one root variable (`region = var.x`); the
# plan does not show the value of any other expression (`region = local.region`, a module's `var.region`).
_PLAN_READER_REGION_REASON = re.compile(r"^expression referencing .* is not known$")
# How the source reader names the account data.aws_caller_identity reads from AWS (readers/terraform_values.py).
_CALLER_ACCOUNT_REASON = "no provider pins one account with allowed_account_ids"
# ... and a value that follows a provider's region the configuration does not set.
_REGION_FROM_ENVIRONMENT_REASON = "region is not set in the configuration (taken from the environment at plan time)"


def _absent_in_source_empty_in_plan(difference: Difference) -> bool:
    return difference.source is ABSENT and difference.plan in ([], {})


def _provider_default(difference: Difference) -> bool:
    key = (difference.resource_type, path_pattern(difference.where))
    return (
        difference.kind == VALUE
        and difference.source is ABSENT
        and key in PROVIDER_DEFAULTS
        and _same_scalar(PROVIDER_DEFAULTS[key], difference.plan)
    )


def _provider_computes(resource_type: str, where: str) -> bool:
    """Whether the hashicorp/aws schema says the provider computes the attribute at `where` when it is not set."""
    schema = provider_schema.SCHEMAS.get(f"managed {resource_type}") or provider_schema.SCHEMAS.get(
        f"data {resource_type}"
    )
    names = re.sub(r"\[[0-9]+\]", "", where).split(".")
    for name in names[:-1]:
        if schema is None:
            return False
        schema = schema["blocks"].get(name)
    return schema is not None and names[-1] in schema["computed"]


def _computed_argument_not_set(difference: Difference) -> bool:
    return (
        difference.kind == PLAN_UNKNOWN
        and _empty(difference.source)
        and isinstance(difference.plan, Unknown)
        and _provider_computes(difference.resource_type, difference.where)
    )


def _references_of_a_generated_block(difference: Difference) -> bool:
    plan = difference.plan
    return (
        difference.kind.startswith(REFERENCE)
        and isinstance(plan, Unknown)
        and not plan.references
        and any(reason in plan.reason for reason in _PLAN_READER_DYNAMIC_BLOCK_REASONS)
    )


def _region_from_provider_expression(difference: Difference) -> bool:
    plan = difference.plan
    return (
        difference.kind == PLAN_UNKNOWN
        and difference.where in ("(region)", "(default region)")
        and isinstance(difference.source, str)
        and isinstance(plan, Unknown)
        and bool(_PLAN_READER_REGION_REASON.match(plan.reason))
    )


def _region_from_environment(difference: Difference) -> bool:
    source = difference.source
    return (
        difference.kind == SOURCE_UNKNOWN
        and isinstance(source, Unknown)
        and _REGION_FROM_ENVIRONMENT_REASON in source.reason
    )


def _caller_account(difference: Difference) -> bool:
    source = difference.source
    return (
        difference.kind == SOURCE_UNKNOWN
        and isinstance(source, Unknown)
        and (
            any("data.aws_caller_identity" in reference for reference in source.references)
            or _CALLER_ACCOUNT_REASON in source.reason
        )
    )


EXPECTED: tuple[ExpectedKind, ...] = (
    ExpectedKind(
        "unwritten block listed empty by the plan",
        "A plan lists every nested block of the schema, `[]` where none is written; the source shows the block as "
        "not written. The model reads both alike (`blocks()` is [] for absent, null and empty).",
        _absent_in_source_empty_in_plan,
    ),
    ExpectedKind(
        "provider default only the plan shows",
        "An optional argument nobody wrote, which the provider fills with its default at plan time "
        "(PROVIDER_DEFAULTS lists each place and its default).",
        _provider_default,
    ),
    ExpectedKind(
        "only the plan knows: the caller's account",
        "data.aws_caller_identity asks AWS (STS) for the account at plan time; the source knows it only where a "
        "provider pins one account with allowed_account_ids (DESIGN.md), and says unknown otherwise.",
        _caller_account,
    ),
    ExpectedKind(
        "only the plan knows: the provider's region from the environment",
        "A provider block that sets no region takes it from the environment (AWS_REGION, a profile) when "
        "Terraform plans; the source, which reads no environment of the machine that will deploy, says unknown "
        "for what follows from it (data.aws_region, a prebuilt image's registry path).",
        _region_from_environment,
    ),
    ExpectedKind(
        "source knows more: an argument the provider computes, not set",
        "An argument the provider computes when it is not set (`volume_size_in_gb`), left out or set to null (in "
        "a dynamic block, or by a conditional): Terraform shows the provider's value, unknown until apply, and "
        "the plan reader cannot tell that nobody set it where the plan does not show the expression (a dynamic "
        "block) or shows one that evaluates to null. The source knows the argument is not set, which is what "
        "the rules ask.",
        _computed_argument_not_set,
    ),
    ExpectedKind(
        "source knows more: what a dynamic block's unknown refers to",
        "For a dynamic block (or an argument in one) that is unknown, the plan's configuration shows no expression, "
        "so the plan reader's unknown names no reference; the source's names what the expression refers to.",
        _references_of_a_generated_block,
    ),
    ExpectedKind(
        "source knows more: provider region from an expression",
        "The plan shows a provider's region only as an expression; the plan reader resolves a literal or one root "
        "variable, the source evaluates any expression.",
        _region_from_provider_expression,
    ),
)


def explain(difference: Difference, expected: Iterable[ExpectedKind] = EXPECTED) -> str | None:
    """The name of the expected kind that explains a difference, or None."""
    for kind in expected:
        if kind.matches(difference):
            return kind.name
    return None


# --- comparing two stacks --------------------------------------------------------------------------------------


def _resource_fields(resource: Resource) -> dict[str, Any]:
    return {
        "(type)": resource.type,
        "(mode)": resource.mode,
        "(region)": resource.region,
        "(account)": resource.account,
        "(whole resource unknown)": resource.unknown_reason is not None,
    }


def compare(source: Stack, plan: Stack, expected: Iterable[ExpectedKind] = EXPECTED) -> Comparison:
    expected = tuple(expected)
    sides = _Sides(source, plan)
    result = Comparison(addresses_source=len(source.resources), addresses_plan=len(plan.resources))

    def judge(address: str, resource_type: str, pairs: list[tuple[str, Any, Any, str]], place: bool) -> None:
        """File the differences found at one place; `place`: it counts among the places compared."""
        unexplained = 0
        for where, source_value, plan_value, kind in pairs:
            difference = Difference(address, where, kind, source_value, plan_value, resource_type)
            name = explain(difference, expected)
            if name is None:
                result.differences.append(difference)
                unexplained += 1
            else:
                result.explained.append((difference, name))
        if place:
            result.places_compared += 1
            result.places_agreeing += not unexplained
            result.places_explained += bool(pairs) and not unexplained

    source_by_address = {r.address: r for r in source.resources}
    plan_by_address = {r.address: r for r in plan.resources}
    for address in sorted(plan_by_address.keys() - source_by_address.keys()):
        judge(address, plan_by_address[address].type, [("(address)", ABSENT, address, ONLY_IN_PLAN)], False)
    for address in sorted(source_by_address.keys() - plan_by_address.keys()):
        judge(address, source_by_address[address].type, [("(address)", address, ABSENT, ONLY_IN_SOURCE)], False)
    common = sorted(source_by_address.keys() & plan_by_address.keys())
    result.addresses_agreeing = len(common)

    stack_fields = {
        "(default region)": (source.default_region, plan.default_region),
        "(pinned accounts)": (sorted(source.pinned_accounts), sorted(plan.pinned_accounts)),
    }
    for where, (source_value, plan_value) in stack_fields.items():
        judge("(stack)", "", _compare_value(sides, "(stack)", where, source_value, plan_value, True), True)

    source_reads, plan_reads = rule_reads(source), rule_reads(plan)
    for address in common:
        in_source, in_plan = source_by_address[address], plan_by_address[address]
        plan_fields = _resource_fields(in_plan)
        for where, source_value in _resource_fields(in_source).items():
            judge(address, in_plan.type, _compare_value(sides, address, where, source_value, plan_fields[where], True),
                  True)
        whole = source_reads.whole.get(address, set()) | plan_reads.whole.get(address, set())
        places = source_reads.places.get(address, set()) | plan_reads.places.get(address, set()) | whole
        for place in sorted(places, key=lambda p: [str(step) for step in p]):
            pairs = _compare_value(
                sides, address, path_text(place),
                _at(in_source.attributes, place), _at(in_plan.attributes, place), place in whole,
            )
            judge(address, in_plan.type, pairs, True)
    return result


def differences(source: Stack, plan: Stack, expected: Iterable[ExpectedKind] = EXPECTED) -> list[Difference]:
    """The differences between the two readings of one stack that no expected kind explains."""
    return compare(source, plan, expected).differences
