"""bench/generate_stack.py writes plans in the shape of real `terraform show -json` output, and HCL to match.

The reference is the real plan of terraform_examples/multi_region (Terraform 1.11, AWS provider 5.100.0), whose
module is called the way the generated stack calls its own, plus the examples holding the other resource types.
Where Terraform and the provider mirror are on the machine, the generated plan is also compared, byte for byte,
with what Terraform itself plans for the generated HCL.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mlmarket.readers.hcl import read_directory
from mlmarket.readers.plan_json import read_plan

from support import EXAMPLES, REPO

sys.path.insert(0, str(REPO / "bench"))
import generate_stack

RESOURCES = 100
REAL = json.loads((EXAMPLES / "multi_region" / "plan.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def stack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_stack.write_stack(tmp_path_factory.mktemp("bench") / "stack", RESOURCES)


@pytest.fixture(scope="module")
def plan(stack_dir: Path) -> dict[str, Any]:
    return json.loads((stack_dir / "plan.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def varied() -> tuple[generate_stack.Stack, dict[str, Any]]:
    """A stack large enough to hold every variant (asserted below), and its plan; built in memory only."""
    stack = generate_stack.build_stack(1000, seed=6)
    return stack, generate_stack.render_plan(stack)


def key_tree(value: Any) -> Any:
    """The keys of every object, recursively; list items merged (a block list's items share one schema)."""
    if isinstance(value, dict):
        return {key: key_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        merged: Any = None
        for item in value:
            merged = merge_trees(merged, key_tree(item))
        return [merged]
    return None


def merge_trees(left: Any, right: Any) -> Any:
    if isinstance(left, dict) and isinstance(right, dict):
        return {key: merge_trees(left.get(key), right.get(key)) for key in left.keys() | right.keys()}
    if isinstance(left, list) and isinstance(right, list):
        return [merge_trees(left[0], right[0])]
    return left if right is None else right


def schema_tree(change: dict[str, Any]) -> Any:
    """Every attribute a planned resource shows, known now or only after apply."""
    return merge_trees(key_tree(change["after"]), key_tree(change["after_unknown"]))


def first(entries: list[dict[str, Any]], **wanted: Any) -> dict[str, Any]:
    return next(e for e in entries if all(e.get(key) == value for key, value in wanted.items()))


def example_change(example: str, address: str) -> dict[str, Any]:
    document = json.loads((EXAMPLES / example / "plan.json").read_text(encoding="utf-8"))
    return first(document["resource_changes"], address=address)["change"]


def module_model_address(plan: dict[str, Any]) -> str:
    return first(plan["resource_changes"], type="aws_sagemaker_model", module_address="module.west")["address"]


def test_top_level_keys_are_those_of_a_real_plan(plan):
    assert list(plan) == list(REAL)
    assert plan["format_version"] == REAL["format_version"]
    assert plan["variables"] == REAL["variables"]
    assert plan["terraform_version"].split(".")[:2] == REAL["terraform_version"].split(".")[:2]


def test_a_module_instance_has_the_shape_of_the_real_one(plan):
    address = module_model_address(plan)
    generated = first(plan["resource_changes"], address=address)
    real = first(REAL["resource_changes"], address='module.east.aws_sagemaker_model.this["ranker"]')
    assert key_tree(generated) == key_tree(real)
    assert list(generated["change"]) == list(real["change"])

    planned = first(plan["planned_values"]["root_module"]["child_modules"][0]["resources"], address=address)
    real_planned = REAL["planned_values"]["root_module"]["child_modules"][0]["resources"][0]
    assert key_tree(planned) == key_tree(real_planned)
    assert planned["values"] == generated["change"]["after"]


def test_the_module_call_and_its_configuration_have_the_shape_of_the_real_ones(plan):
    generated_call = plan["configuration"]["root_module"]["module_calls"]["west"]
    real_call = REAL["configuration"]["root_module"]["module_calls"]["west"]
    assert generated_call.keys() == real_call.keys()
    generated_model = first(generated_call["module"]["resources"], type="aws_sagemaker_model")
    real_model = first(real_call["module"]["resources"], type="aws_sagemaker_model")
    assert key_tree(generated_model) == key_tree(real_model)
    assert generated_model["provider_config_key"] == real_model["provider_config_key"] == "aws.west"


def test_provider_configurations_are_those_of_the_real_plan(plan):
    assert plan["configuration"]["provider_config"] == REAL["configuration"]["provider_config"]


@pytest.mark.parametrize(
    ("resource_type", "wanted", "example", "address"),
    [
        ("aws_sagemaker_model", {"tags": None}, "multi_region", 'module.east.aws_sagemaker_model.this["ranker"]'),
        ("aws_sagemaker_model", {"tags": None}, "compliant_endpoint", "aws_sagemaker_model.model"),
        ("aws_ecr_repository", {}, "compliant_endpoint", "aws_ecr_repository.model"),
        ("aws_s3_bucket", {}, "compliant_endpoint", "aws_s3_bucket.artifacts"),
        ("aws_sagemaker_endpoint_configuration", {"kind": "instance"}, "compliant_endpoint",
         "aws_sagemaker_endpoint_configuration.model"),
        ("aws_sagemaker_endpoint_configuration", {"kind": "serverless"}, "serverless_endpoint",
         "aws_sagemaker_endpoint_configuration.serverless"),
        ("aws_sagemaker_endpoint_configuration", {"kind": "async"}, "violating_stack",
         "aws_sagemaker_endpoint_configuration.model"),
        ("aws_sagemaker_pipeline", {}, "violating_stack", "aws_sagemaker_pipeline.train_and_score"),
    ],
)  # fmt: skip
def test_every_resource_type_has_the_attributes_of_a_real_plan(varied, resource_type, wanted, example, address):
    stack, plan = varied
    item = next(
        item
        for item in stack.root
        if generate_stack.RESOURCE_TYPES[type(item)] == resource_type
        and all(getattr(item, key) == value for key, value in wanted.items())
    )
    generated = first(plan["resource_changes"], address=f"{resource_type}.{item.name}")
    real = example_change(example, address)
    assert schema_tree(generated["change"]) == schema_tree(real)
    assert key_tree(generated["change"]["after_sensitive"]) == key_tree(real["after_sensitive"])


def test_the_plan_reader_reads_every_resource(plan, stack_dir):
    stack = read_plan(str(stack_dir / "plan.json"))
    assert len(stack.resources) == RESOURCES
    assert {r.address for r in stack.resources} == {c["address"] for c in plan["resource_changes"]}
    regions = {r.address: r.region for r in stack.resources}
    assert {regions[a] for a in regions if a.startswith("module.west.")} == {"us-west-2"}
    assert {regions[a] for a in regions if not a.startswith("module.")} == {"us-east-1"}


def test_the_hcl_reads_as_the_same_resources(plan, stack_dir):
    (root,) = read_directory(str(stack_dir))
    plan_stack = read_plan(str(stack_dir / "plan.json"))
    assert {r.base_address for r in root.resources} == {r.base_address for r in plan_stack.resources}


def test_output_is_a_function_of_size_and_seed(tmp_path, stack_dir):
    again = generate_stack.write_stack(tmp_path / "again", RESOURCES)
    for name in ("main.tf", "modules/regional_model/main.tf", "plan.json", ".mlmarket.yaml"):
        assert (again / name).read_bytes() == (stack_dir / name).read_bytes(), name
    other_seed = generate_stack.render_plan(generate_stack.build_stack(RESOURCES, seed=7))
    assert other_seed != generate_stack.render_plan(generate_stack.build_stack(RESOURCES, seed=6))


def variants(stack: generate_stack.Stack) -> Counter[str]:
    counts: Counter[str] = Counter()
    for item in stack.root:
        if isinstance(item, generate_stack.Model):
            image = item.image if isinstance(item.image, str) else ""
            counts["model"] += 1
            counts["model_docker_hub"] += image.startswith("docker.io/")
            counts["model_wrong_region"] += f".{generate_stack.WEST_REGION}." in image
            counts["model_image_from_repository"] += isinstance(item.image, generate_stack.Reference)
            counts["model_isolation_off"] += item.network_isolation is False
            counts["model_isolation_absent"] += item.network_isolation is None
        elif isinstance(item, generate_stack.Endpoint):
            counts[f"endpoint_{item.kind}"] += 1
        elif isinstance(item, generate_stack.Pipeline):
            counts["pipeline_spot_over_an_hour"] += (item.spot_wait_seconds or 0) > 3600
            counts["pipeline_payload_over_100_mb"] += item.max_payload_mb > 100
    return counts


VIOLATIONS = ("model_docker_hub", "model_wrong_region", "model_isolation_off", "model_isolation_absent")


def test_about_one_model_in_ten_breaks_a_rule_and_every_variant_occurs(varied):
    stack, _ = varied
    counts = variants(stack)
    assert 0.05 <= sum(counts[v] for v in VIOLATIONS) / counts["model"] <= 0.15
    for variant in (*VIOLATIONS, "model_image_from_repository", "endpoint_serverless", "endpoint_async",
                    "pipeline_spot_over_an_hour", "pipeline_payload_over_100_mb"):  # fmt: skip
        assert counts[variant] > 0, variant
    assert len(stack.root) + 2 * len(stack.module_models) == 1000
    assert 2 * len(stack.module_models) == 100


# ---------------------------------------------------------------------------------------------------------
# Against Terraform itself

TERRAFORM_RESOURCES = 250  # the smallest size whose seed-6 stack holds every variant (asserted below)
PLUGIN_MIRROR = Path(os.environ.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins"))


@pytest.mark.terraform
def test_the_plan_is_what_terraform_plans_for_the_hcl(tmp_path):
    terraform = shutil.which("terraform")
    if terraform is None or not (PLUGIN_MIRROR / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        pytest.skip("needs terraform and a filesystem mirror with hashicorp/aws (TF_PLUGIN_MIRROR)")
    stack = generate_stack.build_stack(TERRAFORM_RESOURCES, seed=6)
    assert all(variants(stack)[v] > 0 for v in (*VIOLATIONS, "endpoint_serverless", "endpoint_async"))
    stack_dir = generate_stack.write_stack(tmp_path / "stack", TERRAFORM_RESOURCES, plan=False)
    template = (REPO / "scripts" / "terraform.rc.tmpl").read_text(encoding="utf-8")
    (tmp_path / "terraform.rc").write_text(template.replace("@PLUGIN_MIRROR@", str(PLUGIN_MIRROR)))
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "TF_CLI_CONFIG_FILE": str(tmp_path / "terraform.rc"),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    for command in (
        ["init", "-input=false", "-backend=false", "-no-color"],
        ["plan", "-input=false", "-refresh=false", "-lock=false", "-no-color", "-out=tfplan"],
    ):
        result = subprocess.run([terraform, *command], cwd=stack_dir, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    shown = subprocess.run(
        [terraform, "show", "-json", "tfplan"], cwd=stack_dir, env=env, capture_output=True, text=True, check=True
    ).stdout
    real = json.loads(shown)
    # The two fields Terraform does not make reproducible: the clock, and an order taken from a Go map.
    real["timestamp"] = generate_stack.PLAN_TIMESTAMP
    real["relevant_attributes"].sort(key=lambda entry: (entry["resource"], entry["attribute"]))
    assert generate_stack.dump_plan(real) == generate_stack.dump_plan(generate_stack.render_plan(stack))
