"""Plan scans fail closed (issue 17): what a plan cannot show is UNKNOWN or an input error, never PASSED.

Every plan here is a real `terraform show -json` plan committed under terraform_examples/ (made by
scripts/make_plans.sh), or one edited in a single, named place to hold what Terraform itself never writes.
"""

from __future__ import annotations

import json
import math
import os
import stat

import pytest

from mlmarket.engine import evaluate
from mlmarket.errors import InputError
from mlmarket.model import Resource, Stack, Verdict
from mlmarket.readers.jsonfile import MAX_INPUT_BYTES, read_bytes
from mlmarket.readers.plan_json import MAX_VALUE_DEPTH, read_plan
from mlmarket.rules import all_rules, get_rule

from support import EXAMPLES, run_cli

UNKNOWN_BLOCKS = EXAMPLES / "fail_closed" / "unknown_blocks" / "plan.json"
NO_RESOURCES = EXAMPLES / "fail_closed" / "no_resources" / "plan.json"
ASYNC_PLAN = EXAMPLES / "rules" / "CKV_MLM_008" / "aws5" / "plan.json"
ENDPOINT_TYPE = "aws_sagemaker_endpoint_configuration"
RULES_FOR_ENDPOINTS = sorted(r.metadata.id for r in all_rules() if ENDPOINT_TYPE in r.metadata.resource_types)


def assert_one_line_error(result, path, problem: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr == f"mlmarket: error: {path}: {problem}\n"


def load(path):
    return json.loads(path.read_text())


def write(tmp_path, plan, name="plan.json"):
    path = tmp_path / name
    path.write_text(json.dumps(plan))
    return path


def results_of(result) -> dict[tuple[str, str], dict]:
    return {(r["rule_id"], r["address"]): r for r in json.loads(result.stdout)["results"]}


# --- 1. a plan holding only planned_values ------------------------------------------------------------------


def test_planned_values_without_resource_changes_is_an_input_error(tmp_path):
    plan = load(ASYNC_PLAN)
    del plan["resource_changes"]
    path = write(tmp_path, plan)
    assert_one_line_error(
        run_cli("scan", str(path)),
        path,
        "planned_values holds 4 resources (aws_s3_bucket.support_inference_output, ...) but the plan has no "
        "resource_changes: only resource_changes tells a value known only after apply from an absent one; scan the "
        "unmodified output of `terraform show -json tfplan`",
    )


def test_planned_values_with_empty_resource_changes_is_an_input_error(tmp_path):
    plan = load(ASYNC_PLAN)
    plan["resource_changes"] = []
    path = write(tmp_path, plan)
    result = run_cli("scan", str(path))
    assert result.returncode == 2
    assert "but its resource_changes is empty" in result.stderr


def test_refresh_only_plan_is_an_input_error(tmp_path):
    # What `terraform plan -refresh-only` writes: no resource_changes, empty planned_values, the managed
    # resources in prior_state only.
    plan = load(NO_RESOURCES)
    plan["prior_state"]["values"]["root_module"]["resources"].append(
        {"address": "aws_sagemaker_model.m", "mode": "managed", "type": "aws_sagemaker_model", "name": "m",
         "values": {"enable_network_isolation": False}, "sensitive_values": {}}
    )
    path = write(tmp_path, plan)
    assert_one_line_error(
        run_cli("scan", str(path)),
        path,
        "the plan has no resource_changes, though its prior state holds 1 managed resource (aws_sagemaker_model.m): "
        "a refresh-only plan changes nothing and judges nothing; scan a normal plan",
    )


def test_real_plan_without_resources_still_scans():
    plan = load(NO_RESOURCES)
    assert "resource_changes" not in plan  # what Terraform writes for a configuration without resources
    assert plan["planned_values"] == {"outputs": {"region": {"sensitive": False, "type": "string",
                                                             "value": "us-east-1"}}, "root_module": {}}
    result = run_cli("scan", str(NO_RESOURCES), "--strict")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.endswith("mlmarket: 0 passed, 0 failed, 0 unknown, 0 skipped\n")


# --- 2. a whole resource unknown or sensitive ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("marker", "reason"),
    [
        ("after_unknown", "the whole resource is known only after apply (after_unknown is true for all of it)"),
        ("after_sensitive", "the whole resource is marked sensitive, so none of it is read or shown"),
    ],
)
def test_a_whole_resource_unknown_or_sensitive_is_unknown_for_every_rule(tmp_path, marker, reason):
    plan = load(ASYNC_PLAN)
    for change in plan["resource_changes"]:
        if change["address"] == f"{ENDPOINT_TYPE}.pass_realtime":
            change["change"][marker] = True
    path = write(tmp_path, plan)
    result = run_cli("scan", str(path), "--format", "json")
    found = results_of(result)
    judged = {rule for rule, address in found if address == f"{ENDPOINT_TYPE}.pass_realtime"}
    assert sorted(judged) == RULES_FOR_ENDPOINTS  # one result per applicable rule, none dropped
    for rule in judged:
        assert (found[(rule, f"{ENDPOINT_TYPE}.pass_realtime")]["verdict"],
                found[(rule, f"{ENDPOINT_TYPE}.pass_realtime")]["message"]) == ("UNKNOWN", reason)
    strict = run_cli("scan", str(path), "--strict", "--check", "CKV_MLM_008")
    assert strict.returncode == 1
    assert "PASSED CKV_MLM_008 aws_sagemaker_endpoint_configuration.pass_realtime" not in strict.stdout


def test_a_whole_resource_unknown_keeps_its_skips():
    resource = Resource(
        address=f"{ENDPOINT_TYPE}.e", type=ENDPOINT_TYPE, name="e", attributes={}, region="us-east-1",
        skips={"CKV_MLM_008": "reviewed"}, unknown_reason="the whole resource is known only after apply",
    )
    results = {r.rule_id: r for r in evaluate(Stack("t", [resource]), [get_rule(i) for i in RULES_FOR_ENDPOINTS],
                                               skips={"CKV_MLM_009": ""})}
    assert sorted(results) == RULES_FOR_ENDPOINTS
    assert (results["CKV_MLM_008"].verdict, results["CKV_MLM_008"].skip_reason) == (Verdict.SKIPPED, "reviewed")
    assert results["CKV_MLM_009"].verdict is Verdict.SKIPPED
    others = {r.verdict for i, r in results.items() if i not in ("CKV_MLM_008", "CKV_MLM_009")}
    assert others == {Verdict.UNKNOWN}


# --- 3. numeric limits that are not finite numbers -----------------------------------------------------------

NOT_FINITE = ['"NaN"', '"nan"', '"Infinity"', '"-inf"', '"1e999"', "NaN", "Infinity", "-Infinity", "1e999"]


def _replace_in_pipeline(plan, address, old, new):
    for change in plan["resource_changes"]:
        if change["address"] == address:
            definition = change["change"]["after"]["pipeline_definition"]
            assert old in definition
            change["change"]["after"]["pipeline_definition"] = definition.replace(old, new)
            return plan
    raise AssertionError(address)


@pytest.mark.parametrize("value", NOT_FINITE)
def test_batch_payload_that_is_not_a_finite_number_fails(tmp_path, value):
    address = "aws_sagemaker_pipeline.pass_transform_payload_at_limit"
    plan = _replace_in_pipeline(load(EXAMPLES / "rules" / "CKV_MLM_010" / "aws5" / "plan.json"), address,
                                '"MaxPayloadInMB":100', f'"MaxPayloadInMB":{value}')
    result = run_cli("scan", str(write(tmp_path, plan)), "--format", "json", "--check", "CKV_MLM_010")
    assert result.returncode == 1
    found = results_of(result)[("CKV_MLM_010", address)]
    shown = {"NaN": "NaN", "Infinity": "Infinity", "-Infinity": "-Infinity", "1e999": "Infinity"}.get(
        value, repr(value.strip('"')))
    assert (found["verdict"], found["message"]) == (
        "FAILED",
        f"step 'BatchTransform' (Transform) MaxPayloadInMB is {shown}, not a finite number; SageMaker accepts only "
        "finite numbers",
    )


@pytest.mark.parametrize("value", ['"NaN"', "Infinity"])
def test_invocation_timeout_and_spot_wait_that_are_not_finite_numbers_fail(tmp_path, value):
    timeout = "aws_sagemaker_pipeline.pass_invocation_timeout_at_limit"
    plan = _replace_in_pipeline(load(EXAMPLES / "rules" / "CKV_MLM_011" / "aws5" / "plan.json"), timeout,
                                '"InvocationsTimeoutInSeconds":3600', f'"InvocationsTimeoutInSeconds":{value}')
    result = results_of(run_cli("scan", str(write(tmp_path, plan)), "--format", "json", "--check", "CKV_MLM_011"))
    assert result[("CKV_MLM_011", timeout)]["verdict"] == "FAILED"
    assert "not a finite number" in result[("CKV_MLM_011", timeout)]["message"]

    wait = "aws_sagemaker_pipeline.pass_spot_wait_at_limit"
    plan = _replace_in_pipeline(load(EXAMPLES / "rules" / "CKV_MLM_012" / "aws5" / "plan.json"), wait,
                                '"MaxWaitTimeInSeconds":3600', f'"MaxWaitTimeInSeconds":{value}')
    result = results_of(run_cli("scan", str(write(tmp_path, plan, "p2.json")), "--format", "json",
                                "--check", "CKV_MLM_012"))
    assert result[("CKV_MLM_012", wait)]["verdict"] == "FAILED"
    assert "StoppingCondition.MaxWaitTimeInSeconds is" in result[("CKV_MLM_012", wait)]["message"]


@pytest.mark.parametrize("value", ["NaN", "-Infinity", float("nan"), float("inf")])
def test_volume_size_that_is_not_a_finite_number_fails(value):
    resource = Resource(
        address=f"{ENDPOINT_TYPE}.e", type=ENDPOINT_TYPE, name="e", region="us-east-1",
        attributes={"production_variants": [{"variant_name": "a", "instance_type": "ml.m5.xlarge",
                                             "volume_size_in_gb": value}]},
    )
    (result,) = evaluate(Stack("t", [resource]), [get_rule("CKV_MLM_016")])
    shown = repr(value) if isinstance(value, str) else ("NaN" if math.isnan(value) else "Infinity")
    assert (result.verdict, result.message) == (
        Verdict.FAILED,
        f"production_variants[0] (variant 'a') volume_size_in_gb is {shown}, not a finite number; SageMaker accepts "
        "only finite numbers",
    )


@pytest.mark.parametrize(("literal", "problem"), [
    ("NaN", "invalid JSON: NaN is not a JSON value (Terraform never writes it)"),
    ("-Infinity", "invalid JSON: -Infinity is not a JSON value (Terraform never writes it)"),
    ("9" * 5000, "invalid JSON: a number too long to be read"),
])
def test_plan_json_that_is_not_json_is_an_input_error(tmp_path, literal, problem):
    path = tmp_path / "plan.json"
    path.write_text(ASYNC_PLAN.read_text().replace('"format_version":"1.2"', f'"format_version":"1.2","x":{literal}'))
    assert_one_line_error(run_cli("scan", str(path)), path, problem)


# --- 4. nested blocks known only after apply (real plan: terraform_examples/fail_closed/unknown_blocks) -------


def test_dynamic_blocks_known_only_after_apply_are_unknown_even_under_strict():
    result = run_cli("scan", str(UNKNOWN_BLOCKS), "--format", "json", "--strict")
    assert result.returncode == 1
    found = results_of(result)
    verdicts = {(rule, address.split(".")[1]): r["verdict"] for (rule, address), r in found.items()
                if rule in ("CKV_MLM_008", "CKV_MLM_016")}
    assert verdicts == {
        ("CKV_MLM_008", "fail_async_static"): "FAILED",
        ("CKV_MLM_008", "pass_realtime"): "PASSED",
        ("CKV_MLM_008", "unknown_async_conditional"): "UNKNOWN",
        ("CKV_MLM_008", "unknown_async_collection"): "UNKNOWN",
        ("CKV_MLM_008", "unknown_variants"): "PASSED",
        ("CKV_MLM_008", "unknown_volume_in_dynamic_variant"): "PASSED",
        ("CKV_MLM_008", "unknown_volume_static_and_dynamic_variants"): "PASSED",
        ("CKV_MLM_016", "fail_async_static"): "PASSED",
        ("CKV_MLM_016", "pass_realtime"): "PASSED",
        ("CKV_MLM_016", "unknown_async_conditional"): "PASSED",
        ("CKV_MLM_016", "unknown_async_collection"): "PASSED",
        ("CKV_MLM_016", "unknown_variants"): "UNKNOWN",
        ("CKV_MLM_016", "unknown_volume_in_dynamic_variant"): "UNKNOWN",
        ("CKV_MLM_016", "unknown_volume_static_and_dynamic_variants"): "UNKNOWN",
    }
    assert found[("CKV_MLM_008", f"{ENDPOINT_TYPE}.unknown_async_conditional")]["message"] == (
        "async_inference_config cannot be read before apply: known only after apply (a nested block generated by a "
        "dynamic block)"
    )
    assert found[("CKV_MLM_016", f"{ENDPOINT_TYPE}.unknown_volume_in_dynamic_variant")]["message"] == (
        "production_variants[0] (variant 'primary') volume_size_in_gb cannot be checked: known only after apply "
        "(written in a dynamic block)"
    )


# --- 6. blow-ups and hangs -----------------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["after_unknown", "after_sensitive"])
def test_a_value_nested_900_deep_is_an_input_error(tmp_path, marker):
    plan = load(ASYNC_PLAN)
    change = next(c for c in plan["resource_changes"] if c["address"] == f"{ENDPOINT_TYPE}.pass_realtime")
    change["change"]["after"]["tags"] = "@VALUE@"
    change["change"][marker]["tags"] = "@MARK@"
    text = json.dumps(plan).replace('"@VALUE@"', '{"a":' * 900 + '"x"' + "}" * 900)
    text = text.replace('"@MARK@"', '{"a":' * 900 + "true" + "}" * 900)
    path = tmp_path / "plan.json"
    path.write_text(text)
    assert_one_line_error(
        run_cli("scan", str(path)), path,
        f"{ENDPOINT_TYPE}.pass_realtime: a value is nested more than {MAX_VALUE_DEPTH} levels deep",
    )


def test_modules_nested_300_deep_are_read_without_recursion(tmp_path):
    plan = load(ASYNC_PLAN)
    plan["configuration"]["root_module"]["module_calls"] = "@CALLS@"
    calls = '{"m":{"module":{"module_calls":' * 300 + "{}" + "}}}" * 300
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan).replace('"@CALLS@"', calls))
    assert len(read_plan(str(path)).resources) == 4


def test_a_named_pipe_given_as_the_plan_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "plan.json"
    os.mkfifo(fifo)  # before the fix, open() waited for a writer forever: run_cli's timeout ends the test
    assert_one_line_error(run_cli("scan", str(fifo), timeout=30), fifo, "is a named pipe, not a regular file")


def test_a_device_given_as_the_plan_is_refused():
    assert_one_line_error(run_cli("scan", "/dev/zero", timeout=30), "/dev/zero",
                          "is a character device, not a regular file")


def test_a_plan_over_the_size_bound_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "plan.json"
    with open(path, "wb") as handle:  # sparse: nothing is written, nothing is read
        handle.truncate(MAX_INPUT_BYTES + 1)
    assert_one_line_error(
        run_cli("scan", str(path), timeout=30), path,
        f"is {MAX_INPUT_BYTES + 1:,} bytes; mlmarket reads files of at most {MAX_INPUT_BYTES:,} bytes",
    )


def test_read_bytes_refuses_special_files_and_bounds_the_size(tmp_path):
    fifo = tmp_path / "pipe.tf"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is a named pipe, not a regular file"):
        read_bytes(str(fifo))
    small = tmp_path / "main.tf"
    small.write_bytes(b"x" * 11)
    assert read_bytes(str(small), limit=11) == b"x" * 11
    with pytest.raises(InputError, match="is 11 bytes; mlmarket reads files of at most 10 bytes"):
        read_bytes(str(small), limit=10)
    assert stat.S_ISREG(os.stat(small).st_mode)
