"""bench/generate_stack.py writes Terraform the way sellers' repositories write it, with exactly N resources
after expansion, and a plan in the exact shape of `terraform show -json` for that Terraform.

The resource count is proven twice: by mlmarket's own scan of a generated directory, and, where Terraform and
the provider mirror are on the machine, by Terraform itself, whose plan of the generated Terraform must equal
the generated plan byte for byte (the data sources need an STS endpoint: moto on 127.0.0.1 answers it).
Without Terraform, the plan's resources are compared with the real plans of terraform_examples/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlmarket.readers.plan_json import read_plan

from support import EXAMPLES, REPO, run_cli

sys.path.insert(0, str(REPO / "bench"))
import generate_stack

# The smallest seed-6 size holding every variant (asserted below), plus three resources so that the last
# product is cut short (a repository, a bucket and a model without an endpoint configuration).
RESOURCES = 283
PLUGIN_MIRROR = Path(os.environ.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins"))
# Attributes whose values are maps (their keys are data, not schema).
MAP_ATTRIBUTES = frozenset({"tags", "tags_all", "environment"})


@pytest.fixture(scope="module")
def stack() -> generate_stack.Stack:
    return generate_stack.build_stack(RESOURCES, seed=6)


@pytest.fixture(scope="module")
def stack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_stack.write_stack(tmp_path_factory.mktemp("bench") / "stack", RESOURCES)


@pytest.fixture(scope="module")
def plan(stack_dir: Path) -> dict[str, Any]:
    return json.loads((stack_dir / "plan.json").read_text(encoding="utf-8"))


def scan(path: Path) -> set[tuple[str, str, str]]:
    result = run_cli("scan", str(path), "--format", "json")
    assert result.returncode == 1, result.stderr  # the stack breaks rules on purpose
    return {(r["address"], r["rule_id"], r["verdict"]) for r in json.loads(result.stdout)["results"]}


@pytest.fixture(scope="module")
def hcl_results(stack_dir: Path) -> set[tuple[str, str, str]]:
    return scan(stack_dir)


# ---------------------------------------------------------------------------------------------------------
# N resources, exactly


@pytest.mark.parametrize("size", [9, *range(100, 118), 1000])
def test_a_stack_of_n_holds_n_resource_instances(size):
    generated = generate_stack.build_stack(size, seed=6)
    addresses = generate_stack.addresses(generated)
    assert len(addresses) == len(set(addresses)) == size


def test_mlmarket_scans_exactly_the_n_planned_resources(stack, hcl_results):
    expected = generate_stack.addresses(stack)
    assert len(expected) == RESOURCES
    assert {address for address, _, _ in hcl_results} == set(expected)


def test_the_canaries_behind_a_false_guard_are_not_resources(stack, stack_dir, hcl_results):
    canaries = [p for p in stack.products if p.has_canary]
    assert [p.number for p in canaries] == [10, 20]
    text = (stack_dir / "products_01.tf").read_text(encoding="utf-8")
    assert 'resource "aws_sagemaker_endpoint_configuration" "product_00010_canary"' in text
    assert not {address for address, _, _ in hcl_results if "canary" in address}


def test_the_last_product_is_cut_short_where_n_ends(stack):
    last = stack.products[-1]
    assert (last.bucket, [m.key for m in last.models], last.hosted, last.pipeline) == (True, ["ranker"], [], None)


def test_the_directory_scan_finds_what_the_plan_scan_finds(stack, stack_dir, hcl_results):
    """The same verdicts, but for images built from an in-configuration repository's `repository_url`: the plan
    shows them as unknown with no trace of the repository (they come through a local map), the directory scan
    follows the reference to it."""
    plan_results = scan(stack_dir / "plan.json")
    traced = {
        f'aws_sagemaker_model.{p.resource_name}["{m.key}"]'
        for p in stack.products
        for m in p.models
        if m.image_kind == "repository_url"
    }
    rules = ("CKV_MLM_002", "CKV_MLM_003", "CKV_MLM_004", "CKV_MLM_013")
    assert len(traced) == 47
    assert hcl_results - plan_results == {(a, rule, "PASSED") for a in traced for rule in rules}
    assert plan_results - hcl_results == {(a, rule, "UNKNOWN") for a in traced for rule in rules}


def failed(results: set[tuple[str, str, str]]) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = {}
    for address, rule_id, verdict in results:
        if verdict == "FAILED":
            grouped.setdefault(rule_id, set()).add(address)
    return grouped


def test_the_violations_written_into_the_stack_are_the_ones_found(stack, hcl_results):
    def models(*kinds: str, isolation: tuple[bool | None, ...] = ()) -> set[str]:
        return {
            f'aws_sagemaker_model.{p.resource_name}["{m.key}"]'
            for p in stack.products
            for m in p.models
            if m.image_kind in kinds or (isolation and m.network_isolation in isolation)
        }

    def endpoints(hosting: str) -> set[str]:
        return {
            f'aws_sagemaker_endpoint_configuration.{p.resource_name}["{m.key}"]'
            for p in stack.products
            for m in p.hosted
            if m.hosting == hosting
        }

    def pipelines(broken: Any) -> set[str]:
        return {f"aws_sagemaker_pipeline.{p.resource_name}[0]" for p in stack.products if p.pipeline and broken(p)}

    regional = {f'module.regional["{m.key}"]' for m in stack.regional}
    regional_serverless = {
        f'module.regional["{m.key}"].aws_sagemaker_endpoint_configuration.this' for m in stack.regional if m.serverless
    }
    assert failed(hcl_results) == {
        "CKV_MLM_001": models(isolation=(False, None)),
        "CKV_MLM_002": models("docker_hub"),
        "CKV_MLM_004": models("wrong_region"),
        # The regional module's resources are outside the publishing region, on purpose.
        "CKV_MLM_006": {f"{m}.{t}.this" for m in regional for t in ("aws_sagemaker_model",
                                                                    "aws_sagemaker_endpoint_configuration")},
        "CKV_MLM_008": endpoints("async"),
        "CKV_MLM_009": endpoints("serverless") | regional_serverless,
        "CKV_MLM_010": pipelines(lambda p: p.pipeline.max_payload_mb > 100),
        "CKV_MLM_012": pipelines(lambda p: (p.pipeline.spot_wait_seconds or 0) > 3600),
    }  # fmt: skip
    assert not any(verdict == "UNKNOWN" for _, _, verdict in hcl_results)


# ---------------------------------------------------------------------------------------------------------
# The constructs of real repositories


CONSTRUCTS = {
    "format": r'format\("%s\.dkr\.ecr\.%s\.amazonaws\.com", local\.account_id, local\.region\)',
    "lookup": r'lookup\(var\.image_tags, var\.environment, "latest"\)',
    "merge": r"merge\(local\.common_tags, ",
    "try": r"try\(each\.value\.network_isolation, null\)",
    "coalesce": r"coalesce\(var\.execution_role_arn, ",
    "join and substr": r'substr\(join\("-", \[',
    "jsonencode interpolating locals": r'jsonencode\(\{\n(.*\n)*?\s+TrainingImage\s+= "\$\{local\.registry\}',
    "count guard": r"count = var\.enabled \? 1 : 0",
    "for_each over a map": r"for_each = local\.models_\d{5}\n",
    "for expression": r"\{ for key, model in local\.models_\d{5} : key => model if model\.hosted \}",
    "conditional to null": r"instance_type\s+= each\.value\.serverless \? null : each\.value\.instance_type",
    "dynamic block": r'dynamic "serverless_config" \{',
    "data sources in the registry": r"data\.aws_caller_identity\.current\.account_id",
}


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_the_stack_is_written_with_the_constructs_of_real_repositories(stack_dir, construct):
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(stack_dir.rglob("*.tf")))
    assert re.search(CONSTRUCTS[construct], text)


def test_the_local_module_is_called_with_for_each_and_builds_its_images_from_data_sources(stack_dir):
    call = (stack_dir / "regional.tf").read_text(encoding="utf-8")
    assert "for_each = var.enabled ? local.regional_models : {}" in call
    module = (stack_dir / generate_stack.MODULE_DIR / "main.tf").read_text(encoding="utf-8")
    assert (
        'image = "${data.aws_caller_identity.current.account_id}.dkr.ecr.${data.aws_region.current.name}'
        '.amazonaws.com/bench-${var.name}:${var.image_tag}"'
    ) in module


# ---------------------------------------------------------------------------------------------------------
# The plan


def key_tree(value: Any) -> Any:
    """The keys of every object, recursively; list items merged (a block list's items share one schema);
    map-valued attributes are leaves."""
    if isinstance(value, dict):
        return {key: None if key in MAP_ATTRIBUTES else key_tree(item) for key, item in value.items()}
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


def without_maps(tree: Any) -> Any:
    """A key tree without the map attributes (after_sensitive shows a map only where it is set)."""
    if isinstance(tree, dict):
        return {key: without_maps(item) for key, item in tree.items() if key not in MAP_ATTRIBUTES}
    if isinstance(tree, list):
        return [without_maps(item) for item in tree]
    return tree


def schema_tree(change: dict[str, Any]) -> Any:
    """Every attribute a planned resource shows, known now or only after apply."""
    return merge_trees(key_tree(change["after"]), key_tree(change["after_unknown"]))


def example_change(example: str, address: str) -> dict[str, Any]:
    document = json.loads((EXAMPLES / example / "plan.json").read_text(encoding="utf-8"))
    return next(c for c in document["resource_changes"] if c["address"] == address)["change"]


@pytest.mark.parametrize(
    ("address", "example", "example_address"),
    [
        ('module.regional["regional-00001"].aws_sagemaker_model.this', "multi_region",
         'module.east.aws_sagemaker_model.this["ranker"]'),
        ('aws_sagemaker_model.product_00001["ranker"]', "compliant_endpoint", "aws_sagemaker_model.model"),
        ("aws_ecr_repository.product_00001", "compliant_endpoint", "aws_ecr_repository.model"),
        ("aws_s3_bucket.product_00001", "compliant_endpoint", "aws_s3_bucket.artifacts"),
        ('aws_sagemaker_endpoint_configuration.product_00001["ranker"]', "compliant_endpoint",
         "aws_sagemaker_endpoint_configuration.model"),
        ('aws_sagemaker_endpoint_configuration.product_00013["embedder"]', "serverless_endpoint",
         "aws_sagemaker_endpoint_configuration.serverless"),
        ('aws_sagemaker_endpoint_configuration.product_00003["embedder"]', "violating_stack",
         "aws_sagemaker_endpoint_configuration.model"),
        ("aws_sagemaker_pipeline.product_00001[0]", "violating_stack", "aws_sagemaker_pipeline.train_and_score"),
    ],
)  # fmt: skip
def test_every_resource_has_the_attributes_of_a_real_plan(plan, address, example, example_address):
    generated = next(c for c in plan["resource_changes"] if c["address"] == address)["change"]
    real = example_change(example, example_address)
    assert schema_tree(generated) == schema_tree(real)
    assert without_maps(key_tree(generated["after_sensitive"])) == without_maps(key_tree(real["after_sensitive"]))


def test_the_plan_reader_reads_every_resource_in_its_region(stack, stack_dir):
    planned = read_plan(str(stack_dir / "plan.json"))
    managed = [r for r in planned.resources if r.mode == "managed"]
    assert [r.address for r in managed] == generate_stack.addresses(stack)
    regions = {r.address: r.region for r in managed}
    assert {regions[a] for a in regions if a.startswith("module.regional[")} == {"us-west-2"}
    assert {regions[a] for a in regions if not a.startswith("module.")} == {"us-east-1"}


def test_output_is_a_function_of_size_and_seed(tmp_path, stack_dir):
    again = generate_stack.write_stack(tmp_path / "again", RESOURCES)
    written = sorted(p.relative_to(stack_dir) for p in stack_dir.rglob("*") if p.is_file())
    assert written == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert [str(p) for p in written] == [
        ".mlmarket.yaml", "main.tf", "modules/regional_model/main.tf", "plan.json", "products_01.tf",
        "products_02.tf", "regional.tf", "variables.tf",
    ]  # fmt: skip
    for name in written:
        assert (again / name).read_bytes() == (stack_dir / name).read_bytes(), name
    other_seed = generate_stack.render_hcl(generate_stack.build_stack(RESOURCES, seed=7))
    assert other_seed != generate_stack.render_hcl(generate_stack.build_stack(RESOURCES, seed=6))


def variants(stack: generate_stack.Stack) -> Counter[str]:
    counts: Counter[str] = Counter()
    for product in stack.products:
        counts["canary"] += product.has_canary
        for model in product.models:
            counts["model"] += 1
            counts[f"model_image_{model.image_kind}"] += 1
            counts["model_isolation_off"] += model.network_isolation is False
            counts["model_isolation_absent"] += model.network_isolation is None
            counts[f"endpoint_{model.hosting}"] += model.hosting is not None
        if product.pipeline is not None:
            counts["pipeline_spot_over_an_hour"] += (product.pipeline.spot_wait_seconds or 0) > 3600
            counts["pipeline_payload_over_100_mb"] += product.pipeline.max_payload_mb > 100
    counts["regional_serverless"] += sum(model.serverless for model in stack.regional)
    return counts


VIOLATIONS = ("model_image_docker_hub", "model_image_wrong_region", "model_isolation_off", "model_isolation_absent")
VARIANTS = (*VIOLATIONS, "model_image_registry", "model_image_repository_url", "endpoint_serverless",
            "endpoint_async", "pipeline_spot_over_an_hour", "pipeline_payload_over_100_mb", "regional_serverless",
            "canary")  # fmt: skip


@pytest.mark.parametrize("size", [RESOURCES, 1000])
def test_every_variant_occurs_and_about_one_model_in_ten_breaks_a_rule(size):
    generated = generate_stack.build_stack(size, seed=6)
    counts = variants(generated)
    assert [v for v in VARIANTS if not counts[v]] == []
    assert 0.05 <= sum(counts[v] for v in VIOLATIONS) / counts["model"] <= 0.15
    assert 2 * len(generated.regional) == size // 10 // 2 * 2


# ---------------------------------------------------------------------------------------------------------
# Against Terraform itself


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def sts_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto in server mode on 127.0.0.1, answering GetCallerIdentity for the seller's account."""
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "MOTO_ACCOUNT_ID": generate_stack.SELLER_ACCOUNT},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto server did not start: {log.read_text()[-2000:]}")
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def normalized(real: dict[str, Any]) -> dict[str, Any]:
    """Terraform's plan with what it does not make reproducible set to the generated values: the clock, an
    order taken from a Go map, and who the caller is (only STS knows; the stack reads only its account)."""
    real["timestamp"] = generate_stack.PLAN_TIMESTAMP
    real["relevant_attributes"].sort(key=lambda entry: (entry["resource"], entry["attribute"]))
    modules = [real["prior_state"]["values"]["root_module"]]
    while modules:
        module = modules.pop()
        modules.extend(module.get("child_modules", []))
        for data in module["resources"]:
            if data["type"] == "aws_caller_identity":
                assert data["values"]["account_id"] == generate_stack.SELLER_ACCOUNT
                data["values"].update(arn=generate_stack.CALLER_ARN, user_id=generate_stack.CALLER_USER_ID)
    return real


@pytest.mark.terraform
def test_terraform_plans_the_n_resources_and_exactly_the_generated_plan(tmp_path, stack, sts_url):
    terraform = shutil.which("terraform")
    if terraform is None or not (PLUGIN_MIRROR / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        pytest.skip("needs terraform and a filesystem mirror with hashicorp/aws (TF_PLUGIN_MIRROR)")
    stack_dir = generate_stack.write_stack(tmp_path / "stack", RESOURCES, plan=False)
    template = (REPO / "scripts" / "terraform.rc.tmpl").read_text(encoding="utf-8")
    (tmp_path / "terraform.rc").write_text(template.replace("@PLUGIN_MIRROR@", str(PLUGIN_MIRROR)))
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "TF_CLI_CONFIG_FILE": str(tmp_path / "terraform.rc"),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        # The providers carry no credentials (as in a real repository): fake ones, and STS on 127.0.0.1.
        "AWS_ACCESS_KEY_ID": "mock_access_key",
        "AWS_SECRET_ACCESS_KEY": "mock_secret_key",
        "AWS_ENDPOINT_URL_STS": sts_url,
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
    assert f"Plan: {RESOURCES} to add, 0 to change, 0 to destroy." in result.stdout
    shown = subprocess.run(
        [terraform, "show", "-json", "tfplan"], cwd=stack_dir, env=env, capture_output=True, text=True, check=True
    ).stdout
    real = normalized(json.loads(shown))
    assert [change["address"] for change in real["resource_changes"]] == generate_stack.addresses(stack)
    assert generate_stack.dump_plan(real) == generate_stack.dump_plan(generate_stack.render_plan(stack))
