"""Terraform as the oracle for mlmarket.terraform: evaluate HCL expressions with the real `terraform` binary.

Each case becomes a root-module output in a plan that needs no provider and no network (variables, locals,
outputs and the built-in `terraform_data` resource only). Hundreds of cases share one plan:

    results = evaluate_with_terraform([Case("1 + 2"), Case("upper(local.u_str)")], Path("/tmp/oracle"))

For every case the result is exactly one of an error (Terraform refused the expression) or a value with its
type, its unknown structure and its sensitivity. See `OracleResult`.

How a batch is laid out (in an initialised working directory reused for every batch):
- `00_prelude.tf` (`PRELUDE`): unknown values of several types, known values of every type, a sensitive
  variable. Cases refer to them as `local.<name>` / `var.<name>`; `PRELUDE_NAMES` lists them with the type
  Terraform reports.
- one file per case, `c<NNNN>.tf`, holding `output "o<NNNN>" { value = <expression> }` and the case's own
  variables and locals. A diagnostic names its file, so it maps to its case even for syntax errors, which never
  spill into the neighbours.

The type probe: `terraform show -json` prints no type for a value that is unknown or partly unknown, and prints
every null output as type "dynamic" (even `var.x` declared `string` with a null default).
`[false ? (e) : null]` is a known one-element tuple holding a null of e's own type (HCL takes the type of the
other branch when one branch is an untyped null), so Terraform prints e's type for every value. Once a batch is
answered, the cases whose output came without a type or null get `output "t<NNNN>"` holding the probe, all in
one more plan. (For a known non-null value the output's own type is the probe's answer: checked on 1,465
generated values.)

Rounds: Terraform stops at the first phase that fails (configuration loading, then validation, then the plan
walk). A failed validation writes no plan; a failed plan walk still writes one (`errored: true`) holding every
output that evaluated. So a batch is re-planned until every case has an answer: cases named by an error
diagnostic are answered with that error and dropped, outputs refused only for holding sensitive values
("Output refers to sensitive values") are marked `sensitive = true` and retried, and an error that names no
case file (or a case that vanished without a diagnostic) is isolated by bisection.

Numbers in values: `terraform show -json` prints every number exactly as Terraform holds it (512-bit binary
floating point, plain decimal, shortest form that reads back): 1e100 is 1 and 100 zeros, 0.1 + 0.2 is 0.3, 1/3 is
0. and 154 threes and a 5. Values are parsed with `int` and `Decimal`, so nothing Terraform printed is lost (the
json module's float would round 1/3 to 0.3333333333333333). See `NUMBER_FORMAT_NOTES`.

Terraform itself is not deterministic for a few expressions (equality of maps or objects holding unknowns): see
NONDETERMINISM_NOTES and `answer_variants`, which asks many times.

No pytest here: tools and benchmarks can use it as well.
"""

from __future__ import annotations

import dataclasses
import json
import os
import queue
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

# --- the prelude ----------------------------------------------------------------------------------------------

PRELUDE = """\
# Fixed prelude of every oracle batch (tests/tf_oracle.py). Unknowns come from terraform_data, whose `output`
# is unknown at plan time and has the type of its `input`.
resource "terraform_data" "u" {
  input = "x"
}

resource "terraform_data" "uv" {
  input = {
    str  = "x"
    num  = 1
    bool = true
    list = tolist(["a", "b"])
    set  = toset(["a", "b"])
    map  = tomap({ a = "x", b = "y" })
    obj  = { a = "x", b = 1 }
    tup  = ["x", 1]
  }
}

variable "secret" {
  type      = string
  default   = "hunter2"
  sensitive = true
}

variable "secret_list" {
  type      = list(string)
  default   = ["s1", "s2"]
  sensitive = true
}

variable "null_str" {
  type    = string
  default = null
}

variable "k_var_list" {
  type    = list(number)
  default = [3, 1, 2]
}

variable "k_var_obj" {
  type = object({ name = string, size = number, tags = map(string), opt = optional(string) })
  default = {
    name = "n"
    size = 2
    tags = { b = "2", a = "1" }
  }
}

locals {
  # wholly unknown values
  u_str  = terraform_data.uv.output.str
  u_num  = terraform_data.uv.output.num
  u_bool = terraform_data.uv.output.bool
  u_list = terraform_data.uv.output.list
  u_set  = terraform_data.uv.output.set
  u_map  = terraform_data.uv.output.map
  u_obj  = terraform_data.uv.output.obj
  u_tup  = terraform_data.uv.output.tup
  u_dyn  = jsondecode(terraform_data.u.output)
  # known containers with unknown elements
  u_tup_partial  = [terraform_data.u.output, 1]
  u_list_partial = tolist([terraform_data.u.output, "b"])
  u_map_partial  = tomap({ a = terraform_data.u.output, b = "y" })
  u_obj_partial  = { a = terraform_data.u.output, b = 1 }
  u_set_partial  = toset([terraform_data.u.output, "b"])
  # an unknown string known to start with "ab" (cty refinement)
  u_prefixed = "ab${terraform_data.u.output}"
  u_secret   = sensitive(terraform_data.u.output)

  # known values
  k_str        = "hello"
  k_empty_str  = ""
  k_num        = 42
  k_neg        = -7
  k_frac       = 2.5
  k_bool       = true
  k_false      = false
  k_null       = null
  k_list       = tolist(["b", "a", "c"])
  k_nums       = tolist([3, 1, 2])
  k_empty_list = tolist([])
  k_set        = toset(["b", "a", "c"])
  k_num_set    = toset([10, 2, 33])
  k_map        = tomap({ b = 2, a = 1, c = 3 })
  k_str_map    = tomap({ z = "zz", y = "yy" })
  k_obj        = { name = "n", size = 2, tags = { a = "x" }, list = ["p", "q"] }
  k_tup        = ["a", 1, true]
  k_nested     = [[1, 2], [3], []]
  k_objs       = [{ name = "a", v = 1 }, { name = "b", v = 2 }]
  k_json       = "{\\"a\\": [1, 2], \\"b\\": null}"
  k_cidr       = "10.0.0.0/16"
}
"""

#: The names the prelude provides to cases, with the type Terraform reports for each (the type probe's answer;
#: "unknown" says whether `after_unknown` is true for the whole value, "partial" for some elements).
PRELUDE_NAMES: dict[str, tuple[Any, str]] = {
    "terraform_data.u.output": ("string", "unknown"),
    "local.u_str": ("string", "unknown"),
    "local.u_num": ("number", "unknown"),
    "local.u_bool": ("bool", "unknown"),
    "local.u_list": (["list", "string"], "unknown"),
    "local.u_set": (["set", "string"], "unknown"),
    "local.u_map": (["map", "string"], "unknown"),
    "local.u_obj": (["object", {"a": "string", "b": "number"}], "unknown"),
    "local.u_tup": (["tuple", ["string", "number"]], "unknown"),
    "local.u_dyn": ("dynamic", "unknown"),
    "local.u_tup_partial": (["tuple", ["string", "number"]], "partial"),
    "local.u_list_partial": (["list", "string"], "partial"),
    "local.u_map_partial": (["map", "string"], "partial"),
    "local.u_obj_partial": (["object", {"a": "string", "b": "number"}], "partial"),
    "local.u_set_partial": (["set", "string"], "partial"),
    "local.u_prefixed": ("string", "unknown"),
    "local.u_secret": ("string", "unknown, sensitive"),
    "var.secret": ("string", "known, sensitive"),
    "var.secret_list": (["list", "string"], "known, sensitive"),
    "var.null_str": ("string", "known null"),
    "var.k_var_list": (["list", "number"], "known"),
    "var.k_var_obj": (
        ["object", {"name": "string", "size": "number", "tags": ["map", "string"], "opt": "string"}],
        "known",
    ),
    "local.k_str": ("string", "known"),
    "local.k_empty_str": ("string", "known"),
    "local.k_num": ("number", "known"),
    "local.k_neg": ("number", "known"),
    "local.k_frac": ("number", "known"),
    "local.k_bool": ("bool", "known"),
    "local.k_false": ("bool", "known"),
    "local.k_null": ("dynamic", "known null"),
    "local.k_list": (["list", "string"], "known"),
    "local.k_nums": (["list", "number"], "known"),
    "local.k_empty_list": (["list", "dynamic"], "known"),
    "local.k_set": (["set", "string"], "known"),
    "local.k_num_set": (["set", "number"], "known"),
    "local.k_map": (["map", "number"], "known"),
    "local.k_str_map": (["map", "string"], "known"),
    "local.k_obj": (
        [
            "object",
            {
                "name": "string",
                "size": "number",
                "tags": ["object", {"a": "string"}],
                "list": ["tuple", ["string", "string"]],
            },
        ],
        "known",
    ),
    "local.k_tup": (["tuple", ["string", "number", "bool"]], "known"),
    "local.k_nested": (["tuple", [["tuple", ["number", "number"]], ["tuple", ["number"]], ["tuple", []]]], "known"),
    "local.k_objs": (
        ["tuple", [["object", {"name": "string", "v": "number"}], ["object", {"name": "string", "v": "number"}]]],
        "known",
    ),
    "local.k_json": ("string", "known"),
    "local.k_cidr": ("string", "known"),
}

_RESERVED = {name.split(".")[1] for name in PRELUDE_NAMES if name.count(".") == 1}

NUMBER_FORMAT_NOTES = """\
How `terraform show -json` (Terraform 1.11) prints a number: Go's big.Float Text('f', -1) of the 512-bit value,
that is plain decimal notation (never an exponent) with the fewest digits that read back to the same 512-bit
number. So:
- integers exactly, whatever their size: 12345678901234567890123; 1e100 prints 1 and 100 zeros; 2e0 -> 2,
  1.0 -> 1, -0 -> 0, pow(2, 53) + 1 -> 9007199254740993.
- decimal literals as written (they are parsed to 512 bits): 0.1 -> 0.1, 123456.789, 1e-7 -> 0.0000001,
  1e-300 -> 0. followed by 299 zeros and 1.
- results of arithmetic at 512-bit precision, NOT float64: 0.1 + 0.2 -> 0.3, 1/7*7 -> 1,
  1/3 -> 0.333...335 (155 digits after the point: 154 threes and a 5), 2/3 -> 0.666...667,
  1e20/3 -> 33333333333333333333.333...334, 1e100 + 0.5 -> 1 and 100 zeros then .5.
(Python's json module would silently round these to float64 (1/3 -> 0.3333333333333333): the harness parses
with parse_float=Decimal, so OracleResult.value holds int and exact Decimal.)
Strings show the same digits: "${1/3}" alone is the number itself (a template of a single interpolation keeps
the value and its type), while "x${1/3}" is "x0." then 154 threes and a 5 (tests/terraform/test_values.py).
"""

SENSITIVE_OUTPUT_SUMMARY = "Output refers to sensitive values"

# --- cases and results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variable:
    """A `variable` block for one case: `default` is HCL expression text, `type` a type constraint or None."""

    default: str
    type: str | None = None
    sensitive: bool = False
    nullable: bool | None = None

    def block(self, name: str) -> str:
        lines = [f'variable "{name}" {{']
        if self.type is not None:
            lines.append(f"  type = {self.type}")
        lines.append(f"  default = {self.default}")
        if self.nullable is not None:
            lines.append(f"  nullable = {'true' if self.nullable else 'false'}")
        if self.sensitive:
            lines.append("  sensitive = true")
        lines.append("}")
        return "\n".join(lines) + "\n"


def _pairs(value: Any) -> tuple[tuple[str, Any], ...]:
    if isinstance(value, Mapping):
        return tuple(sorted(value.items()))
    return tuple(sorted(value))


@dataclass(frozen=True)
class Case:
    """An expression (HCL native syntax text) plus the configuration it needs beyond the prelude.

    `variables` and `locals` accept dicts (stored as sorted pairs, so a Case is hashable); their names must not
    clash with the prelude's. Cases in one batch may share a name only with the same definition (the harness
    puts cases with clashing definitions into different batches).
    """

    expression: str
    variables: Any = ()
    locals: Any = ()
    note: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "variables", _pairs(self.variables))
        object.__setattr__(self, "locals", _pairs(self.locals))
        for name, variable in self.variables:
            if not isinstance(variable, Variable):
                raise TypeError(f"variable {name!r} must be a Variable, not {type(variable).__name__}")
        for name in self.names():
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name):
                raise ValueError(f"{name!r} is not a Terraform name")
            if name in _RESERVED:
                raise ValueError(f"{name!r} is defined by the prelude")

    def names(self) -> list[str]:
        return [name for name, _ in self.variables] + [name for name, _ in self.locals]


@dataclass(frozen=True)
class OracleResult:
    """Terraform's answer for one case: `error` is set, or the value fields are.

    - error: the first line of the summary of Terraform's first error for the case (errors ordered by position
      in the case's file, so the output's own error comes before the type probe's), e.g. "Invalid function
      argument". `error_detail` (not compared) holds the detail for humans.
    - value: the JSON value from `output_changes.<o>.after`, numbers as int or Decimal; unknown parts are
      absent or None (None for a wholly unknown value).
    - type: Terraform's type of the value as `planned_values.outputs.<o>.type` prints it ("string",
      ["list", "string"], ["object", {"a": "number"}], "dynamic"...), from the type probe: also for unknown
      and partly unknown values (for which Terraform prints no type of the output itself) and for nulls
      (which Terraform prints as "dynamic" whatever their type). `output_type` is what Terraform printed for
      the output itself: None when it printed none (unknown anywhere inside), "dynamic" for every null.
    - unknown: `output_changes.<o>.after_unknown`: True (wholly unknown), False (wholly known) or a structure
      of lists/dicts whose True leaves are the unknown elements (known leaves appear as False in lists and
      are left out of dicts, exactly as Terraform prints).
    - sensitive: the output had to be marked `sensitive = true` (the value holds a sensitive value anywhere).
      Terraform then reports the whole output as sensitive, so partial sensitivity is not observable.
    """

    case: Case
    error: str | None = None
    value: Any = None
    type: Any = None
    unknown: Any = False
    sensitive: bool = False
    output_type: Any = field(default=None, compare=False)
    error_detail: str | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.error is not None

    @property
    def is_known(self) -> bool:
        return self.error is None and self.unknown is False


class OracleError(RuntimeError):
    """Terraform could not be run, or answered in a way the harness does not understand."""


# --- running terraform -------------------------------------------------------------------------------------


def terraform_binary() -> str | None:
    """The terraform executable ($MLMARKET_TERRAFORM or `terraform` on PATH), or None."""
    configured = os.environ.get("MLMARKET_TERRAFORM")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("terraform")


def terraform_environment() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TF_VAR_", "TF_CLI_ARGS", "TF_LOG", "TF_WORKSPACE", "TF_DATA_DIR"))
    }
    env.update(TF_CLI_CONFIG_FILE="/dev/null", TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1", TF_INPUT="0")
    return env


@dataclass
class _Pending:
    index: int  # in the caller's list
    case: Case
    sensitive: bool = False
    misses: int = 0


@dataclass
class Stats:
    """Counters of one `evaluate_with_terraform` call (for throughput reports)."""

    cases: int = 0
    plans: int = 0
    seconds: float = 0.0
    bisections: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add_plan(self) -> None:
        with self._lock:
            self.plans += 1

    @property
    def cases_per_second(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0


class Worker:
    """One initialised terraform working directory; batches run in it one at a time."""

    PLAN_TIMEOUT = 300

    def __init__(self, directory: Path, terraform: str | None = None) -> None:
        binary = terraform or terraform_binary()
        if binary is None:
            raise OracleError("terraform is not installed (set MLMARKET_TERRAFORM or put terraform on PATH)")
        self.terraform = binary
        self.directory = directory
        self.env = terraform_environment()
        directory.mkdir(parents=True, exist_ok=True)
        self._clear_cases()
        (directory / "00_prelude.tf").write_text(PRELUDE)
        self._run(["init", "-input=false", "-no-color", "-backend=false"], check=True)
        # The prelude alone must plan cleanly, or every answer would be about the prelude.
        diagnostics, plan = self._plan()
        if plan is None or any(d["severity"] == "error" for d in diagnostics):
            raise OracleError(f"the prelude does not plan cleanly: {diagnostics}")

    def _run(self, args: list[str], check: bool = False) -> subprocess.CompletedProcess[str]:
        try:
            result = subprocess.run(
                [self.terraform, *args],
                cwd=self.directory,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=self.PLAN_TIMEOUT,
            )
        except subprocess.TimeoutExpired as error:
            raise OracleError(f"terraform {args[0]} took more than {self.PLAN_TIMEOUT}s in {self.directory}") from error
        if check and result.returncode != 0:
            raise OracleError(f"terraform {' '.join(args)} failed: {result.stderr or result.stdout}")
        return result

    def _clear_cases(self) -> None:
        for path in self.directory.glob("c*.tf"):
            path.unlink()
        (self.directory / "p").unlink(missing_ok=True)

    def _plan(self) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """Diagnostics of `terraform plan`, and the plan as `terraform show -json` prints it (None if none)."""
        plan_file = self.directory / "p"
        plan_file.unlink(missing_ok=True)
        result = self._run(
            ["plan", "-input=false", "-lock=false", "-refresh=false", "-json", "-parallelism=16", "-out=p"]
        )
        diagnostics = []
        for line in result.stdout.splitlines():
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict) and message.get("type") == "diagnostic":
                diagnostics.append(message["diagnostic"])
        if not plan_file.exists():
            if not any(d.get("severity") == "error" for d in diagnostics):
                raise OracleError(f"terraform plan wrote no plan and named no error: {result.stderr[-2000:]}")
            return diagnostics, None
        shown = self._run(["show", "-json", "p"])
        if shown.returncode != 0:
            # An errored plan is sometimes written without its prior state ("no state") and cannot be shown.
            if not any(d.get("severity") == "error" for d in diagnostics):
                raise OracleError(f"terraform show -json failed: {shown.stderr[-2000:]}")
            return diagnostics, None
        return diagnostics, json.loads(shown.stdout, parse_float=Decimal)

    def evaluate(self, items: list[_Pending], stats: Stats) -> dict[int, OracleResult]:
        """Answers for `items` (one batch), re-planning and bisecting as needed."""
        answers: dict[int, OracleResult] = {}
        self._evaluate(list(items), answers, stats)
        self._probe_types(items, answers, stats)
        return answers

    def _probe_types(self, items: list[_Pending], answers: dict[int, OracleResult], stats: Stats) -> None:
        """The type of every answer whose output Terraform printed without one (unknown anywhere) or as "dynamic"
        (null), from the type probe `[false ? (<expression>) : null]`, all in one more plan.

        A known non-null output's own type is the probe's answer (checked on 1,465 generated values), so only
        these cases need the probe."""
        needing = [item for item in items if _needs_probe(answers[item.index])]
        if not needing:
            return
        by_slot = dict(enumerate(needing))
        self._write(by_slot, probe_only=True)
        _, plan = self._plan()
        stats.add_plan()
        outputs = ((plan or {}).get("planned_values") or {}).get("outputs") or {}
        for slot, item in by_slot.items():
            probe = (outputs.get(f"t{slot:04d}") or {}).get("type")
            if isinstance(probe, list) and probe[0] == "tuple" and len(probe[1]) == 1:
                answers[item.index] = dataclasses.replace(answers[item.index], type=probe[1][0])

    def _evaluate(self, pending: list[_Pending], answers: dict[int, OracleResult], stats: Stats) -> None:
        rounds = 0
        while pending:
            rounds += 1
            if rounds > 12:
                raise OracleError(f"no answer after 12 plans for {[p.case.expression for p in pending][:5]}")
            by_slot = dict(enumerate(pending))
            self._write(by_slot)
            diagnostics, plan = self._plan()
            stats.add_plan()
            errors = [d for d in diagnostics if d.get("severity") == "error"]
            per_slot: dict[int, list[dict[str, Any]]] = {}
            unmapped: list[dict[str, Any]] = []
            for diagnostic in errors:
                slot = _slot_of(diagnostic)
                if slot is None or slot not in by_slot:
                    unmapped.append(diagnostic)
                else:
                    per_slot.setdefault(slot, []).append(diagnostic)
            still: list[_Pending] = []
            for slot, item in by_slot.items():
                item_errors = per_slot.get(slot)
                if item_errors:
                    real = [d for d in item_errors if d.get("summary") != SENSITIVE_OUTPUT_SUMMARY]
                    if real or item.sensitive:
                        answers[item.index] = _error_result(item.case, sorted(real or item_errors, key=_position))
                    else:
                        item.sensitive = True
                        still.append(item)
                    continue
                if plan is not None:
                    result = _value_result(item, slot, plan)
                    if result is not None:
                        answers[item.index] = result
                        continue
                    if not errors:  # in a plan that failed, a missing output may be collateral: just retry
                        item.misses += 1
                still.append(item)
            if unmapped:
                # Errors that name no case: isolate them among the cases without an answer.
                if len(still) <= 1:
                    for item in still:
                        answers[item.index] = _error_result(item.case, sorted(unmapped, key=_position))
                    return
                stats.bisections += 1
                half = len(still) // 2
                self._evaluate(still[:half], answers, stats)
                self._evaluate(still[half:], answers, stats)
                return
            for item in still:
                if item.misses >= 2:
                    answers[item.index] = OracleResult(
                        case=item.case, error="(no value and no diagnostic)", error_detail="output missing from plan"
                    )
            pending = [item for item in still if item.index not in answers]

    def _write(self, by_slot: Mapping[int, _Pending], probe_only: bool = False) -> None:
        self._clear_cases()
        defined: set[str] = set()
        for slot, item in by_slot.items():
            (self.directory / f"c{slot:04d}.tf").write_text(_case_source(slot, item, defined, probe_only))


_CASE_FILE = re.compile(r"(?:^|[/\\])c(\d{4,})\.tf$")


_OUTPUT_NAME = re.compile(r'output(?: value)? "[ot](\d{4,})"')


def _slot_of(diagnostic: Mapping[str, Any]) -> int | None:
    """The slot of the case a diagnostic is about: its file, else an output named in its text.

    The second form covers errors after evaluation, e.g. a number that became infinite (pow(0, -1)): the plan
    is evaluated but cannot be written, "Failed to write plan file ... serializing output value "o0007":
    cannot serialize infinity as JSON".
    """
    filename = (diagnostic.get("range") or {}).get("filename")
    match = _CASE_FILE.search(filename or "")
    if match:
        return int(match.group(1))
    match = _OUTPUT_NAME.search(f"{diagnostic.get('summary', '')} {diagnostic.get('detail', '')}")
    return int(match.group(1)) if match else None


def _position(diagnostic: Mapping[str, Any]) -> tuple[Any, ...]:
    start = (diagnostic.get("range") or {}).get("start") or {}
    return (start.get("line", 0), start.get("column", 0), diagnostic.get("summary", ""))


def _case_source(slot: int, item: _Pending, defined: set[str], probe_only: bool = False) -> str:
    expression = item.case.expression
    parts = []
    if not probe_only:
        parts.append(f'output "o{slot:04d}" {{\n  value = {expression}\n')
        if item.sensitive:
            parts.append("  sensitive = true\n")
        parts.append("}\n\n")
    parts.append(f'output "t{slot:04d}" {{\n  value = [false ? (\n{expression}\n  ) : null]\n  sensitive = true\n}}\n')
    # A name shared by several cases (same definition, see _batches) is written once, with its first user.
    for name, variable in item.case.variables:
        if name not in defined:
            defined.add(name)
            parts.append("\n" + variable.block(name))
    local_lines = []
    for name, text in item.case.locals:
        if name not in defined:
            defined.add(name)
            local_lines.append(f"  {name} = {text}\n")
    if local_lines:
        parts.append("\nlocals {\n" + "".join(local_lines) + "}\n")
    return "".join(parts)


def _needs_probe(result: OracleResult) -> bool:
    return result.error is None and (result.output_type is None or result.value is None or result.unknown is not False)


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else "(no summary)"


def _error_result(case: Case, diagnostics: list[dict[str, Any]]) -> OracleResult:
    first = diagnostics[0]
    return OracleResult(case=case, error=_first_line(first.get("summary")), error_detail=first.get("detail"))


def _value_result(item: _Pending, slot: int, plan: Mapping[str, Any]) -> OracleResult | None:
    name = f"o{slot:04d}"
    planned = (plan.get("planned_values") or {}).get("outputs") or {}
    changes = plan.get("output_changes") or {}
    if name not in planned or name not in changes:
        return None
    change = changes[name]
    output_type = planned[name].get("type")
    return OracleResult(
        case=item.case,
        value=change.get("after"),
        type=output_type,  # the type probe answers later where Terraform printed none or "dynamic"
        unknown=change.get("after_unknown", False),
        sensitive=bool(planned[name].get("sensitive")) or change.get("after_sensitive") not in (False, None, {}),
        output_type=output_type,
    )


# --- batching ----------------------------------------------------------------------------------------------


def _batches(cases: Sequence[Case], batch_size: int) -> list[list[_Pending]]:
    """Cases in batches of at most `batch_size`, never two different definitions of one name in a batch."""
    batches: list[tuple[list[_Pending], dict[str, Any]]] = []
    open_from = 0  # batches before this index are full
    for index, case in enumerate(cases):
        definitions = {name: ("variable", v) for name, v in case.variables}
        definitions.update({name: ("local", text) for name, text in case.locals})
        for batch, names in batches[open_from:]:
            if len(batch) < batch_size and all(names.get(n, d) == d for n, d in definitions.items()):
                break
        else:
            batch, names = [], {}
            batches.append((batch, names))
        batch.append(_Pending(index=index, case=case))
        names.update(definitions)
        while open_from < len(batches) and len(batches[open_from][0]) >= batch_size:
            open_from += 1
    return [batch for batch, _ in batches]


def evaluate_with_terraform(
    cases: Sequence[Case],
    workdir: Path,
    *,
    batch_size: int = 400,
    workers: int = 1,
    terraform: str | None = None,
    stats: Stats | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[OracleResult]:
    """Terraform's answer for every case, in order.

    `workdir` holds one working directory per worker (`worker0`, `worker1`, ...), created and initialised on
    first use and reused afterwards; with `workers` > 1 batches are planned in parallel threads. Raises
    OracleError when terraform is missing or misbehaves. `stats`, if given, receives counters and timing.
    """
    started = time.perf_counter()
    stats = stats if stats is not None else Stats()
    batches = _batches(cases, batch_size)
    count = max(1, min(workers, len(batches)))
    pool: queue.Queue[Worker] = queue.Queue()
    for number in range(count):
        pool.put(_worker(workdir / f"worker{number}", terraform))
    answers: dict[int, OracleResult] = {}
    done = 0
    lock = threading.Lock()

    def run(batch: list[_Pending]) -> None:
        nonlocal done
        worker = pool.get()
        try:
            result = worker.evaluate(batch, stats)
        finally:
            pool.put(worker)
        with lock:
            answers.update(result)
            done += len(batch)
            if progress is not None:
                progress(done, len(cases))

    if count == 1:
        for batch in batches:
            run(batch)
    else:
        with ThreadPoolExecutor(max_workers=count) as executor:
            for future in [executor.submit(run, batch) for batch in batches]:
                future.result()
    stats.cases += len(cases)
    stats.seconds += time.perf_counter() - started
    missing = [i for i in range(len(cases)) if i not in answers]
    if missing:
        raise OracleError(f"no answer for cases {missing[:10]}")
    return [answers[i] for i in range(len(cases))]


_WORKERS: dict[tuple[Path, str | None], Worker] = {}
_WORKERS_LOCK = threading.Lock()


def _worker(directory: Path, terraform: str | None) -> Worker:
    """The Worker of `directory`, initialised once per process."""
    key = (directory.resolve(), terraform)
    with _WORKERS_LOCK:
        if key not in _WORKERS:
            _WORKERS[key] = Worker(directory, terraform)
        return _WORKERS[key]


def answer_variants(cases: Sequence[Case], workdir: Path, times: int = 12, **options: Any) -> list[list[OracleResult]]:
    """Every distinct answer Terraform gives for each case when asked `times` times (all copies in one batch).

    For a disagreement between mlmarket and the oracle: Terraform 1.11 is nondeterministic for some expressions
    (equality of maps or objects holding an unknown, see NONDETERMINISM_NOTES), and a case with more than one
    variant is one of those."""
    copies = [case for case in cases for _ in range(times)]
    results = evaluate_with_terraform(copies, workdir, **options)
    variants: list[list[OracleResult]] = []
    for number in range(len(cases)):
        distinct: list[OracleResult] = []
        for result in results[number * times : (number + 1) * times]:
            if result not in distinct:
                distinct.append(result)
        variants.append(distinct)
    return variants


NONDETERMINISM_NOTES = """\
Terraform 1.11 answers some expressions differently from run to run: equality (==, !=, contains, index) of two
maps or two objects where one holds an unknown element and another element differs. cty compares the elements in
Go's (random) map iteration order and stops at the first unknown or unequal one, so the answer is unknown or
false at random: `tomap({a = "1", b = "2"}) == local.u_map_partial` was unknown in 22 of 30 copies and false in 8;
`{a = "1", b = 2} == {a = local.u_str, b = 3}` unknown 19 times, false 11 times. Lists and tuples compare in order
and are deterministic. An answer that depends on it (e.g. a conditional on such a comparison) varies too.
"""


def evaluate_one(case: Case | str, workdir: Path, **options: Any) -> OracleResult:
    """Convenience: one case (a string is an expression without extra configuration)."""
    return evaluate_with_terraform([case if isinstance(case, Case) else Case(case)], workdir, **options)[0]


def summarize(results: Iterable[OracleResult]) -> dict[str, int]:
    """Counts of errors, known, unknown (wholly or partly) and sensitive answers."""
    counts = {"error": 0, "known": 0, "unknown": 0, "sensitive": 0}
    for result in results:
        if result.is_error:
            counts["error"] += 1
            continue
        counts["known" if result.unknown is False else "unknown"] += 1
        counts["sensitive"] += result.sensitive
    return counts


# --- the hand-written table --------------------------------------------------------------------------------

CASE_TABLE = Path(__file__).parent / "terraform" / "oracle_cases.yaml"


def load_case_table(path: Path = CASE_TABLE) -> list[Case]:
    """The hand-written cases (see the comment at the top of the file for its format)."""
    import yaml  # PyYAML is a dependency of mlmarket

    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for number, entry in enumerate(entries, 1):
        if isinstance(entry, str):
            entry = {"expr": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("expr"), str):
            raise ValueError(f"{path.name}: entry {number} has no `expr` string: {entry!r}")
        unknown_keys = set(entry) - {"expr", "note", "variables", "locals"}
        if unknown_keys:
            raise ValueError(f"{path.name}: entry {number} has unknown keys {sorted(unknown_keys)}")
        variables = {
            name: Variable(default=str(spec["default"]), type=spec.get("type"), sensitive=bool(spec.get("sensitive")))
            for name, spec in (entry.get("variables") or {}).items()
        }
        # A block scalar ends with a newline: keep it only after a heredoc's closing marker, which needs it.
        expression = entry["expr"].rstrip("\n")
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", expression.rsplit("\n", 1)[-1].strip()) and "<<" in expression:
            expression += "\n"
        local_values = entry.get("locals") or {}
        cases.append(Case(expression, variables=variables, locals=local_values, note=entry.get("note", "")))
    return cases
