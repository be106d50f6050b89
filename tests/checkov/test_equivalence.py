"""One rule implementation, four front ends: for every example stack, `checkov -d`, `checkov -f plan.json`,
`mlmarket scan DIR` and `mlmarket scan plan.json` must produce the same (rule, address, verdict) set.

Addresses are compared without instance keys (`x["a"]` -> `x`): HCL does not expand count/for_each. checkov
has no UNKNOWN verdict in its reports, so mlmarket reports UNKNOWN there as FAILED (fail closed): the checkov
side is compared with UNKNOWN mapped to FAILED. Differences that are inherent are listed in INHERENT, each with
its reason; any other difference fails the test.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

from mlmarket.model import strip_instance_keys
from mlmarket.readers.hcl import read_directory
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from conftest import run_checkov
from support import EXAMPLES

pytestmark = pytest.mark.checkov

# (stack directory relative to terraform_examples, front end, rule, address) -> why the front ends differ.
INHERENT: dict[tuple[str, str, str, str], str] = {}

Triple = tuple[str, str, str]


def stack_dirs() -> list[Path]:
    return sorted(Path(os.path.realpath(stack.source)) for stack in read_directory(str(EXAMPLES)))


def native(path: Path) -> set[Triple]:
    return {(r.rule_id, strip_instance_keys(r.address), r.verdict.value) for r in scan_path(str(path), Settings())}


def as_checkov(triples: set[Triple]) -> set[Triple]:
    return {(rule, address, "FAILED" if verdict == "UNKNOWN" else verdict) for rule, address, verdict in triples}


def owning_stack(file_path: str, stacks: list[Path]) -> Path | None:
    path = Path(os.path.realpath(file_path))
    owners = [s for s in stacks if path == s or s in path.parents]
    return max(owners, key=lambda s: len(s.parts)) if owners else None


@cache
def checkov_by_stack() -> dict[tuple[str, Path], set[Triple]]:
    """Two checkov runs for all examples: one `-d` over the tree, one `-f` over every plan."""
    stacks = stack_dirs()
    plans = [s / "plan.json" for s in stacks if (s / "plan.json").is_file()]
    runs = {
        "checkov -d": run_checkov("-d", str(EXAMPLES), "--framework", "terraform", "-c", "CKV_MLM_*", quiet=False),
        "checkov -f": run_checkov(
            *[a for p in plans for a in ("-f", str(p))], "--framework", "terraform_plan", "-c", "CKV_MLM_*", quiet=False
        ),
    }
    grouped: dict[tuple[str, Path], set[Triple]] = {}
    for front_end, reports in runs.items():
        for report in reports:
            for key in ("failed_checks", "passed_checks", "skipped_checks"):
                for record in report.get("results", {}).get(key, []):
                    owner = owning_stack(record["file_abs_path"], stacks)
                    if owner is None:
                        continue
                    triple = (
                        record["check_id"],
                        strip_instance_keys(record["resource"]),
                        record["check_result"]["result"],
                    )
                    grouped.setdefault((front_end, owner), set()).add(triple)
    return grouped


def without_inherent(triples: set[Triple], stack: str, front_end: str) -> set[Triple]:
    return {t for t in triples if (stack, front_end, t[0], t[1]) not in INHERENT}


@pytest.mark.parametrize("stack", stack_dirs(), ids=lambda p: str(p.relative_to(os.path.realpath(EXAMPLES))))
def test_front_ends_agree(stack: Path):
    name = str(stack.relative_to(os.path.realpath(EXAMPLES)))
    reference = native(stack)
    # Only a stack made to hold nothing (fail_closed/no_resources) may leave mlmarket nothing to judge.
    assert reference or name == "fail_closed/no_resources", f"{name}: mlmarket found nothing to judge"
    compare = {"checkov -d": as_checkov(reference)}
    plan = stack / "plan.json"
    if plan.is_file():
        compare["mlmarket scan plan.json"] = native(plan)
        compare["checkov -f"] = as_checkov(reference)
    for front_end, expected in compare.items():
        if front_end.startswith("checkov"):
            actual = checkov_by_stack().get((front_end, stack), set())
        else:
            actual = compare[front_end]
            expected = reference
        missing = without_inherent(expected - actual, name, front_end)
        extra = without_inherent(actual - expected, name, front_end)
        assert (missing, extra) == (set(), set()), f"{name}: {front_end} differs from mlmarket scan DIR"
