"""The source reader agrees with Terraform: for every example stack with a plan, and for the stacks of
tests/terraform_config/stacks/ (planned here with the real terraform), the normalized resources read from the
source match those read from the plan, attribute by attribute over what the rules read (tests/source_vs_plan.py).

Differences that are no error of either reader are explained by source_vs_plan.EXPECTED. KNOWN_GAPS lists the
disagreements that are open bugs of a reader, each reported: the list may only shrink (a fixed gap fails the
test until it leaves the list).

Modules installed in `.terraform/modules` (a registry module copied in by the test) and `*.tf.json` files with
override files are compared with their plans the same way in `tests/test_terraform_init.py` and
`tests/test_json_configuration.py`. Not plannable offline: `data.aws_caller_identity` (the provider asks STS
for the account even with `skip_requesting_account_id`) and `allowed_account_ids` (the provider cannot check
the account offline).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

from mlmarket.engine import evaluate
from mlmarket.model import Stack
from mlmarket.readers.hcl import read_directory
from mlmarket.readers.plan_json import read_plan
from mlmarket.rules import all_rules

from offline_plan import PlanRequest, missing_tools, plan_offline
from source_vs_plan import compare
from support import EXAMPLES

STACKS = Path(__file__).resolve().parent / "stacks"

# Stack -> (address, where, kind) of each disagreement that is a bug of a reader, reported to be fixed.
KNOWN_GAPS: dict[str, set[tuple[str, str, str]]] = {
}


def _source_stack(root: Path, command_line: tuple[tuple[str, str], ...] = ()) -> Stack:
    """The stack of the root module `root` (a scan of a directory also reads the roots below it)."""
    stacks = read_directory(str(root), command_line)
    (stack,) = [s for s in stacks if os.path.realpath(s.source) == os.path.realpath(root)]
    return stack


def _verdicts(stack: Stack) -> dict[tuple[str, str], str]:
    # A seller account, as a publishing scan sets one, so the account rules judge rather than stop.
    judged = dataclasses.replace(stack, seller_account="111122223333")
    return {(r.rule_id, r.address): r.verdict.name for r in evaluate(judged, all_rules())}


def _assert_agree(name: str, source: Stack, plan: Stack) -> None:
    """Same addresses and, over what the rules read, no difference but the known gaps of `name`; and the same
    verdict from every rule on every address (what `mlmarket scan DIR` and `mlmarket scan plan.json` report),
    except where the source knows more: there the plan's verdict is UNKNOWN and the comparison explained a
    difference of that resource (or of the stack) by a source-knows-more kind of source_vs_plan.EXPECTED."""
    comparison = compare(source, plan)
    details = "\n".join(str(d) for d in comparison.differences)
    assert {(d.address, d.where, d.kind) for d in comparison.differences} == KNOWN_GAPS.get(name, set()), details
    knows_more = {d.address for d, kind in comparison.explained if kind.startswith("source knows more")}
    from_source, from_plan = _verdicts(source), _verdicts(plan)
    assert from_source.keys() == from_plan.keys()
    unexplained = {
        key: (from_source[key], from_plan[key])
        for key in from_source
        if from_source[key] != from_plan[key]
        and not (from_plan[key] == "UNKNOWN" and (key[1] in knows_more or "(stack)" in knows_more))
    }
    assert unexplained == {}


# --- the example stacks, with their committed plans --------------------------------------------------------------

EXAMPLE_STACKS = sorted(plan.parent for plan in EXAMPLES.rglob("plan.json"))


@pytest.mark.parametrize("stack_dir", EXAMPLE_STACKS, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_example_stack_source_matches_its_plan(stack_dir: Path):
    name = str(stack_dir.relative_to(EXAMPLES))
    _assert_agree(name, _source_stack(stack_dir), read_plan(str(stack_dir / "plan.json")))


# --- the stacks written for this comparison, planned here -------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str  # directory under stacks/
    root: str = "."  # the root module, relative to the case directory
    # `--var-file` / `-var-file` (paths relative to the case directory) and `--var` / `-var`, in order.
    command_line: tuple[tuple[str, str], ...] = ()
    environment: dict[str, str] = field(default_factory=dict)
    addresses: frozenset[str] = frozenset()  # every address of the plan, exactly


CASES = (
    Case(
        "modules_above_root",
        root="live/prod",
        addresses=frozenset({
            'module.east["ranker"].data.aws_region.current',
            'module.east["ranker"].aws_sagemaker_endpoint_configuration.this',
            'module.east["ranker"].module.model.aws_sagemaker_model.this',
            'module.east["scorer"].data.aws_region.current',
            'module.east["scorer"].aws_sagemaker_endpoint_configuration.this',
            'module.east["scorer"].module.model.aws_sagemaker_model.this',
            "module.west[0].data.aws_region.current",
            "module.west[0].aws_sagemaker_endpoint_configuration.this",
            "module.west[0].module.model.aws_sagemaker_model.this",
        }),
    ),
    Case(
        "tfvars_every_kind",
        command_line=(
            ("file", "vars/prod.tfvars"),
            ("file", "vars/override.tfvars.json"),
            ("var", "image_tag=3.0.0"),
            ("var", "serverless={memory=2048,concurrency=5}"),
        ),
        environment={"TF_VAR_model_name": "env-name", "TF_VAR_isolation": "true", "TF_VAR_tags": '{team="ml"}'},
        addresses=frozenset({
            "aws_sagemaker_model.this",
            "aws_sagemaker_endpoint_configuration.realtime",
            "aws_sagemaker_endpoint_configuration.serverless",
        }),
    ),
    Case(
        "workspace_data_sources",
        environment={"TF_WORKSPACE": "staging"},
        addresses=frozenset({
            "data.aws_region.current",
            "data.aws_region.ohio",
            "data.aws_partition.current",
            "aws_s3_bucket.artifacts",
            "aws_sagemaker_model.workspace",
            "aws_sagemaker_model.ohio",
            "aws_sagemaker_endpoint_configuration.workspace",
        }),
    ),
    Case(
        "dynamic_blocks",
        addresses=frozenset({
            "aws_sagemaker_endpoint_configuration.dynamic_variants",
            "aws_sagemaker_endpoint_configuration.literal_and_dynamic",
            "aws_sagemaker_endpoint_configuration.serverless_variant",
            "aws_sagemaker_model.containers",
            "aws_sagemaker_pipeline.generated",
        }),
    ),
    Case(
        "count_guards",
        addresses=frozenset({
            "aws_s3_bucket.artifacts[0]",
            "aws_ecr_repository.model[0]",
            "aws_sagemaker_model.guarded[0]",
            'aws_sagemaker_model.per_name["ranker"]',
            'aws_sagemaker_model.per_name["scorer"]',
            "module.endpoint[0].aws_sagemaker_endpoint_configuration.this",
        }),
    ),
    Case(
        "schema_typed_references",
        addresses=frozenset({
            'aws_s3_bucket.keyed["weights"]',
            "aws_s3_bucket.counted[0]",
            "aws_s3_bucket.counted[1]",
            "aws_sagemaker_model.source",
            "aws_sagemaker_model.copy",
            "aws_sagemaker_model.from_computed",
            "aws_sagemaker_endpoint_configuration.strings",
        }),
    ),
)


def _terraform_arguments(case: Case, case_dir: Path) -> tuple[str, ...]:
    return tuple(
        f"-var-file={case_dir / text}" if kind == "file" else f"-var={text}" for kind, text in case.command_line
    )


def _mlmarket_command_line(case: Case, case_dir: Path) -> tuple[tuple[str, str], ...]:
    return tuple((kind, str(case_dir / text)) if kind == "file" else (kind, text) for kind, text in case.command_line)


@cache
def _planned(work_dir: Path) -> dict[str, Path | str]:
    """Case name -> its plan JSON (or terraform's error): every case planned at once, in copies under work_dir."""
    requests = []
    for case in CASES:
        case_dir = work_dir / case.name
        shutil.copytree(STACKS / case.name, case_dir)
        requests.append(PlanRequest(case_dir / case.root, _terraform_arguments(case, case_dir), case.environment))
    outcomes = plan_offline(requests, work_dir / "terraform")
    return {
        case.name: outcome.plan_path or f"terraform {outcome.step} failed:\n{outcome.error}"
        for case, outcome in zip(CASES, outcomes, strict=True)
    }


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> tuple[Path, dict[str, Path | str]]:
    reason = missing_tools()
    if reason is not None:
        pytest.skip(reason)
    work_dir = tmp_path_factory.mktemp("planned_stacks")
    return work_dir, _planned(work_dir)


@pytest.mark.terraform
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_written_stack_source_matches_its_plan(case: Case, planned, monkeypatch):
    work_dir, plans = planned
    plan_path = plans[case.name]
    assert isinstance(plan_path, Path), plan_path
    for name, value in case.environment.items():
        monkeypatch.setenv(name, value)
    case_dir = work_dir / case.name
    source = _source_stack(case_dir / case.root, _mlmarket_command_line(case, case_dir))
    plan = read_plan(str(plan_path))
    assert {r.address for r in plan.resources} == case.addresses
    _assert_agree(case.name, source, plan)
