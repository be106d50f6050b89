"""Ask the real terraform for many outputs at once: the differential tests of mlmarket.terraform's functions
use it to check `call()` against Terraform, output by output.

    results = run_outputs({"a0": string("x")}, {"o0": "upper(var.a0)"}, workdir)
    results["o0"]  # Result(value="X", type="string", unknown=False, sensitive=False) or Error(...)

- `variables` are Values (known, null, sensitive, unknown, or known containers with unknown elements). Output
  expressions refer to them as `var.<name>`. A wholly known value becomes a typed `variable` block
  (tests/tf_literals.py); anything unknown becomes an expression built from `terraform_data` resources, whose
  `output` is unknown at plan time and has the type of its `input` (`var.<name>` is replaced in the output
  texts by that expression).
- every output is written to a file of its own, with two probes: `[false ? (<expr>) : null]` gives the type of
  the value (Terraform prints none for an unknown value and prints every null as "dynamic"), and
  `issensitive(<expr>)` whether the value is sensitive (outputs are all marked `sensitive = true`, so Terraform
  never refuses one for holding a sensitive value).
- a diagnostic names its file, so an error maps to its output. Terraform stops at the first phase that fails
  (validation, then the plan walk), so the outputs named by errors are answered with the error and removed,
  and the rest is planned again, until every output has an answer.

Numbers are parsed as int and Decimal: `terraform show -json` prints the exact 512-bit value.
No pytest here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from mlmarket.terraform.values import (
    BOOL,
    DYNAMIC,
    NUMBER,
    STRING,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Type,
    Value,
    holds_infinity,
    make_number,
)

from tf_literals import type_expression, variable_block


@dataclass(frozen=True)
class Result:
    """A value Terraform planned: JSON value (None where unknown), type JSON, after_unknown, sensitivity."""

    value: Any
    type: Any
    unknown: Any
    sensitive: bool


@dataclass(frozen=True)
class Error:
    """Terraform refused the output: the summary and detail of its first error diagnostic."""

    summary: str
    detail: str = ""


class BatchError(RuntimeError):
    """Terraform could not be run or answered in a way this helper does not understand."""


def terraform_binary() -> str | None:
    configured = os.environ.get("MLMARKET_TERRAFORM")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("terraform")


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_VAR_", "TF_CLI_ARGS", "TF_LOG", "TF_DATA"))}
    env.update(TF_CLI_CONFIG_FILE="/dev/null", TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1", TF_INPUT="0")
    return env


# --- unknown values as expressions ---------------------------------------------------------------------------


def _sample(value_type: Type) -> str:
    """A literal of `value_type` (for the input of a terraform_data whose output is then unknown)."""
    if value_type == STRING:
        return '"x"'
    if value_type == NUMBER:
        return "1"
    if value_type == BOOL:
        return "true"
    if isinstance(value_type, (ListType, SetType)):
        return "[]"
    if isinstance(value_type, MapType):
        return "{}"
    if isinstance(value_type, TupleType):
        return "[" + ", ".join(_sample(t) for t in value_type.elements) + "]"
    if isinstance(value_type, ObjectType):
        return "{" + ", ".join(f"{json.dumps(n)} = {_sample(t)}" for n, t in value_type.attributes) + "}"
    return '"x"'


def _nested_sensitive(value: Value) -> bool:
    """Sensitive somewhere below the top (a variable block can mark only the whole value)."""
    if isinstance(value.raw, tuple):
        return any(item.is_sensitive_anywhere for item in value.raw)
    if isinstance(value.raw, dict):
        return any(item.is_sensitive_anywhere for item in value.raw.values())
    return False


class _Builder:
    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.count = 0

    def unknown(self, value: Value) -> str:
        if value.type == DYNAMIC:
            text = "jsondecode(terraform_data.u.output)"
        else:
            self.count += 1
            name = f"unk{self.count}"
            self.blocks.append(
                f'variable "{name}" {{\n  type = {type_expression(value.type)}\n  default = {_sample(value.type)}\n}}\n'
                f'resource "terraform_data" "{name}" {{\n  input = var.{name}\n}}\n'
            )
            text = f"terraform_data.{name}.output"
        return f"sensitive({text})" if value.sensitive else text

    def expression(self, name: str, value: Value) -> str | None:
        """An expression for a value that is not wholly known (None: a variable block will do)."""
        if value.is_wholly_known and not _nested_sensitive(value):
            return None
        return self._expression(value)

    def _expression(self, value: Value) -> str:
        if not value.is_known:
            return self.unknown(value)
        if value.is_wholly_known and not _nested_sensitive(value):
            self.count += 1
            name = f"known{self.count}"
            self.blocks.append(variable_block(name, value))
            return f"var.{name}"
        value_type = value.type
        if isinstance(value_type, (ListType, SetType, TupleType)):
            inner = "[" + ", ".join(self._expression(item) for item in value.elements()) + "]"
            wrap = {ListType: "tolist", SetType: "toset"}.get(type(value_type))
            text = f"{wrap}({inner})" if wrap else inner
        else:
            inner = "{" + ", ".join(f"{json.dumps(k)} = {self._expression(v)}" for k, v in value.attributes().items())
            inner += "}"
            text = f"tomap({inner})" if isinstance(value_type, MapType) else inner
        return f"sensitive({text})" if value.sensitive else text


# --- running -------------------------------------------------------------------------------------------------


_PRELUDE = (
    'resource "terraform_data" "u" {\n  input = "x"\n}\n'
    'variable "infinity_guard" {\n  type = bool\n  default = false\n}\n'
)
_INITIALISED: set[Path] = set()


def _run(terraform: str, workdir: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [terraform, *args], cwd=workdir, env=_environment(), capture_output=True, text=True, timeout=300
    )


def run_outputs(
    variables: Mapping[str, Value], outputs: Mapping[str, str], workdir: Path | str, workers: int | None = None
) -> dict[str, Result | Error]:
    """Terraform's answer for every output (see the module docstring). Raises BatchError if terraform is
    missing or misbehaves. Large batches are split over `workers` working directories (`workdir/w0`, ...)
    planned in parallel (default: up to 4, one per 150 outputs)."""
    workdir = Path(workdir)
    count = workers if workers is not None else min(4, os.cpu_count() or 1, max(1, len(outputs) // 150))
    if count <= 1:
        return _run_outputs(variables, outputs, workdir)
    names = list(outputs)
    chunks = [names[index::count] for index in range(count)]
    reference = re.compile(r"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)")

    def run(index: int) -> dict[str, Result | Error]:
        chunk = {name: outputs[name] for name in chunks[index]}
        used = {match for text in chunk.values() for match in reference.findall(text)}
        chunk_variables = {name: value for name, value in variables.items() if name in used}
        return _run_outputs(chunk_variables, chunk, workdir / f"w{index}")

    answers: dict[str, Result | Error] = {}
    with ThreadPoolExecutor(max_workers=count) as executor:
        for result in executor.map(run, range(count)):
            answers.update(result)
    return answers


def _run_outputs(
    variables: Mapping[str, Value], outputs: Mapping[str, str], workdir: Path
) -> dict[str, Result | Error]:
    terraform = terraform_binary()
    if terraform is None:
        raise BatchError("terraform is not installed (set MLMARKET_TERRAFORM or put terraform on PATH)")
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    for path in workdir.glob("*.tf"):
        path.unlink()
    builder = _Builder()
    replacements: dict[str, str] = {}
    variable_text = [_PRELUDE]
    for name, value in variables.items():
        expression = builder.expression(name, value)
        if expression is None:
            variable_text.append(variable_block(name, value))
        else:
            replacements[name] = expression
    variable_text.extend(builder.blocks)
    (workdir / "main.tf").write_text("\n".join(variable_text))
    if workdir.resolve() not in _INITIALISED:
        done = _run(terraform, workdir, ["init", "-input=false", "-no-color", "-backend=false"])
        if done.returncode != 0:
            raise BatchError(f"terraform init failed: {done.stderr or done.stdout}")
        _INITIALISED.add(workdir.resolve())
    pattern = re.compile(r"\bvar\.(" + "|".join(map(re.escape, replacements)) + r")\b") if replacements else None
    texts = {
        name: pattern.sub(lambda m: replacements[m.group(1)], text) if pattern else text
        for name, text in outputs.items()
    }
    answers: dict[str, Result | Error] = {}
    pending = dict(texts)
    for _round in range(20):
        if not pending:
            return answers
        files = _write_outputs(workdir, pending)
        diagnostics, plan = _plan(terraform, workdir)
        failed: dict[str, list[dict[str, Any]]] = {}
        unmapped = []
        for diagnostic in diagnostics:
            filename = Path((diagnostic.get("range") or {}).get("filename") or "").name
            named = re.search(r'output value "([A-Za-z0-9_]+?)(?:__[ts])?"', diagnostic.get("detail") or "")
            if filename in files:
                failed.setdefault(files[filename], []).append(diagnostic)
            elif named and f"out_{named.group(1)}.tf" in files:
                # Errors after evaluation name the output: "cannot serialize infinity as JSON".
                failed.setdefault(named.group(1), []).append(diagnostic)
            else:
                unmapped.append(diagnostic)
        if unmapped:
            raise BatchError(f"errors outside the outputs: {[_summary(d) for d in unmapped][:5]}")
        for name, errors in failed.items():
            first = sorted(errors, key=_position)[0]
            answers[name] = Error(_summary(first), first.get("detail") or "")
            del pending[name]
        if plan is None:
            if not failed:
                raise BatchError("terraform plan wrote no plan and named no error")
            continue
        planned = (plan.get("planned_values") or {}).get("outputs") or {}
        changes = plan.get("output_changes") or {}
        for name in list(pending):
            if name in planned and name in changes:
                answers[name] = _result(name, planned, changes)
                del pending[name]
        if not failed and pending:
            raise BatchError(f"outputs missing from the plan without an error: {list(pending)[:5]}")
    raise BatchError(f"no answer after 20 plans for {list(pending)[:5]}")


def _summary(diagnostic: Mapping[str, Any]) -> str:
    return (diagnostic.get("summary") or "").strip()


def _position(diagnostic: Mapping[str, Any]) -> tuple[int, int]:
    start = (diagnostic.get("range") or {}).get("start") or {}
    return (start.get("line", 0), start.get("column", 0))


def _write_outputs(workdir: Path, outputs: Mapping[str, str]) -> dict[str, str]:
    for path in workdir.glob("out_*.tf"):
        path.unlink()
    files = {}
    for name, text in outputs.items():
        filename = f"out_{name}.tf"
        files[filename] = name
        (workdir / filename).write_text(
            f'output "{name}" {{\n  value = {text}\n  sensitive = true\n'
            # An infinite number evaluates but cannot be written to the plan ("Failed to write plan file"), which
            # loses the whole plan: refuse it here, where the error names this output's file.
            f"  precondition {{\n    condition = var.infinity_guard || try(abs(nonsensitive({text})) != pow(10, 400), "
            f"abs({text}) != pow(10, 400), true)\n"
            f'    error_message = "infinite number"\n  }}\n}}\n'
            f'output "{name}__t" {{\n  value = [false ? ({text}) : null]\n  sensitive = true\n}}\n'
            f'output "{name}__s" {{\n  value = issensitive({text})\n  sensitive = true\n}}\n'
        )
    return files


def _plan(terraform: str, workdir: Path) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    plan_file = workdir / "p"
    plan_file.unlink(missing_ok=True)
    done = _run(terraform, workdir, ["plan", "-input=false", "-lock=false", "-refresh=false", "-json", "-out=p"])
    diagnostics = []
    for line in done.stdout.splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            continue
        is_diagnostic = isinstance(message, dict) and message.get("type") == "diagnostic"
        if is_diagnostic and message["diagnostic"].get("severity") == "error":
            diagnostics.append(message["diagnostic"])
    if not plan_file.exists():
        return diagnostics, None
    shown = _run(terraform, workdir, ["show", "-json", "p"])
    if shown.returncode != 0:
        return diagnostics, None
    return diagnostics, json.loads(shown.stdout, parse_float=Decimal)


def _result(name: str, planned: Mapping[str, Any], changes: Mapping[str, Any]) -> Result:
    change = changes[name]
    probe = (planned.get(f"{name}__t") or {}).get("type")
    if isinstance(probe, list) and probe[0] == "tuple" and len(probe[1]) == 1:
        value_type = probe[1][0]
    else:
        value_type = planned[name].get("type")
    sensitive = (planned.get(f"{name}__s") or {}).get("value")
    return Result(change.get("after"), value_type, change.get("after_unknown", False), sensitive is True)


# --- comparing -----------------------------------------------------------------------------------------------


def unknown_structure(value: Value) -> Any:
    """`after_unknown` as Terraform prints it for `value`."""
    if not value.is_known:
        return True
    if value.is_wholly_known:
        return False
    if isinstance(value.raw, tuple):
        return [unknown_structure(item) for item in value.raw]
    return {k: unknown_structure(v) for k, v in value.raw.items() if not v.is_wholly_known}


def same_json(mine: Value, theirs: Any) -> bool:
    """Whether a known Value equals the JSON value Terraform printed (numbers exactly, at 512 bits)."""
    raw = mine.raw
    if raw is None:
        return theirs is None
    if not mine.is_known:
        return True  # compared through after_unknown
    if isinstance(raw, (bool, str)):
        return type(theirs) is type(raw) and theirs == raw
    if isinstance(raw, (int, Fraction)):
        if isinstance(theirs, bool) or not isinstance(theirs, (int, Decimal)):
            return False
        # Exact at 512 bits, or (results of Go's float64 math: log, pow) the same float64.
        return make_number(Fraction(theirs)) == raw or (
            not isinstance(raw, int) and float(Fraction(theirs)) == float(raw)
        )
    if isinstance(raw, tuple):
        return isinstance(theirs, list) and len(theirs) == len(raw) and all(
            same_json(a, b) for a, b in zip(raw, theirs, strict=True)
        )
    if isinstance(raw, dict):
        return isinstance(theirs, dict) and set(theirs) == set(raw) and all(same_json(raw[k], theirs[k]) for k in raw)
    return False


def describe(value: Value) -> Any:
    if not value.is_known:
        return "<unknown>"
    raw = value.raw
    if isinstance(raw, tuple):
        return [describe(item) for item in raw]
    if isinstance(raw, dict):
        return {k: describe(v) for k, v in raw.items()}
    if isinstance(raw, Fraction):
        return float(raw)
    return raw


def compare(mine: Value | Exception, theirs: Result | Error) -> str | None:
    """None when mlmarket's answer (a Value, or the exception `call` raised) agrees with Terraform's, else
    a description of the difference. An error agrees with an error (messages are not compared)."""
    if isinstance(theirs, Error):
        if isinstance(mine, Exception):
            return None
        if theirs.detail == "infinite number" and (holds_infinity(mine) or (not mine.is_known and "infinite" in
                                                                             mine.reason)):
            return None  # Terraform has an infinite number too (no plan can hold it)
        return f"terraform: error {theirs.summary!r} ({theirs.detail[:200]}); mlmarket: {describe(mine)!r}"
    if isinstance(mine, Exception):
        return f"terraform: {theirs.value!r} ({theirs.type}); mlmarket raised {type(mine).__name__}: {mine}"
    problems = []
    if unknown_structure(mine) != theirs.unknown:
        problems.append(f"unknown: terraform {theirs.unknown!r}, mlmarket {unknown_structure(mine)!r}")
    if theirs.unknown is False and not same_json(mine, theirs.value):
        problems.append(f"value: terraform {theirs.value!r}, mlmarket {describe(mine)!r}")
    if mine.type.json() != theirs.type:
        problems.append(f"type: terraform {theirs.type!r}, mlmarket {mine.type.json()!r}")
    if mine.sensitive != theirs.sensitive:
        problems.append(f"sensitive: terraform {theirs.sensitive}, mlmarket {mine.sensitive}")
    return "; ".join(problems) or None


# --- differential runs of function calls ---------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """A call to check: `function` is a function name, or an expression template using {0}, {1}... for the
    arguments (for operators: "{0} % {1}")."""

    function: str
    args: tuple[Value, ...]

    def expression(self, names: list[str]) -> str:
        references = [f"var.{name}" for name in names]
        if "{" in self.function:
            return self.function.format(*references)
        return f"{self.function}({', '.join(references)})"


def differential(calls: list[Call], workdir: Path | str, evaluate: Any) -> tuple[int, list[str]]:
    """Run every call through `evaluate(call) -> Value` (exceptions are answers too) and through terraform in one
    batch; returns (number of calls compared, descriptions of the disagreements)."""
    variables: dict[str, Value] = {}
    outputs: dict[str, str] = {}
    for index, call in enumerate(calls):
        names = [f"a{index}_{position}" for position in range(len(call.args))]
        variables.update(zip(names, call.args, strict=True))
        outputs[f"o{index}"] = call.expression(names)
    answers = run_outputs(variables, outputs, workdir)
    problems = []
    for index, call in enumerate(calls):
        try:
            mine: Value | Exception = evaluate(call)
        except Exception as error:  # any exception is compared as "an error"
            mine = error
        problem = compare(mine, answers[f"o{index}"])
        if problem:
            args = ", ".join(repr(describe(a)) if a.is_known else f"<unknown {a.type.json()}>" for a in call.args)
            problems.append(f"{outputs[f'o{index}']} with ({args}): {problem}")
    return len(calls), problems
