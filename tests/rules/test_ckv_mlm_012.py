"""CKV_MLM_012: managed spot training waits at most 3600 s."""

from __future__ import annotations

import json

from mlmarket import limits
from mlmarket.model import Unknown, Verdict, strip_instance_keys
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, addresses_by_verdict, judge, resource, stack

RULE = "CKV_MLM_012"
TRAINING = "aws_sagemaker_training_job"
TUNING = "aws_sagemaker_hyper_parameter_tuning_job"
ALGORITHM = "aws_sagemaker_algorithm"
CC_ALGORITHM = "awscc_sagemaker_algorithm"
PIPELINE = "aws_sagemaker_pipeline"
NOT_SET = object()


def definition(spot=NOT_SET, **stopping):
    """Terraform training-job arguments: enable_managed_spot_training and a stopping_condition block."""
    attributes = {"resource_config": [{"instance_type": "ml.m5.xlarge", "instance_count": 1}]}
    if spot is not NOT_SET:
        attributes["enable_managed_spot_training"] = spot
    if stopping:
        attributes["stopping_condition"] = [stopping]
    return attributes


def training(name, spot=NOT_SET, **stopping):
    return resource(TRAINING, name, definition(spot, **stopping))


def algorithm(name, resource_type=ALGORITHM, **stopping):
    training_definition = {"training_input_mode": "File"}
    if stopping:
        training_definition["stopping_condition"] = [stopping] if resource_type == ALGORITHM else stopping
    profile = {"profile_name": "p1", "training_job_definition": training_definition}
    if resource_type == ALGORITHM:
        return resource(ALGORITHM, name, {"validation_specification": [{"validation_profiles": [profile]}]})
    return resource(resource_type, name, {"validation_specification": {"validation_profiles": [profile]}})


def pipeline(name, *steps):
    return resource(
        PIPELINE, name, {"pipeline_definition": json.dumps({"Version": "2020-12-01", "Steps": list(steps)})}
    )


def api_definition(spot=NOT_SET, **stopping):
    arguments = {"ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}}
    if spot is not NOT_SET:
        arguments["EnableManagedSpotTraining"] = spot
    if stopping:
        arguments["StoppingCondition"] = stopping
    return arguments


def training_step(spot=NOT_SET, name="Train", **stopping):
    return {"Name": name, "Type": "Training", "Arguments": api_definition(spot, **stopping)}


def test_the_limit_comes_from_the_limits_library():
    assert limits.SPOT_MAX_WAIT_SECONDS == 3600


def test_training_jobs_at_the_boundaries():
    results = judge(
        RULE,
        stack(
            training("pass_at_limit", True, max_runtime_in_seconds=3600, max_wait_time_in_seconds=3600),
            training("fail_one_past_limit", True, max_runtime_in_seconds=3600, max_wait_time_in_seconds=3601),
            training("fail_wait_absent", True, max_runtime_in_seconds=3600),
            training("fail_no_stopping_condition", True),
            training("fail_runtime_exceeds_wait", True, max_runtime_in_seconds=3000, max_wait_time_in_seconds=1800),
            training("pass_runtime_omitted", True, max_wait_time_in_seconds=1800),
            training("pass_spot_disabled", False, max_runtime_in_seconds=86400),
            training("pass_spot_omitted", max_runtime_in_seconds=86400, max_wait_time_in_seconds=90000),
            training("pass_strings_at_limit", "true", max_runtime_in_seconds="3600", max_wait_time_in_seconds="3600"),
            training("fail_strings_one_past_limit", "true", max_wait_time_in_seconds="3601"),
            training("pass_spot_string_false", "false", max_wait_time_in_seconds=7200),
            training("unknown_wait", True, max_wait_time_in_seconds=Unknown("known only after apply")),
            training(
                "unknown_runtime",
                True,
                max_runtime_in_seconds=Unknown("var.runtime has no value"),
                max_wait_time_in_seconds=1800,
            ),
            training(
                "unknown_spot_flag_with_long_wait", Unknown("var.spot has no value"), max_wait_time_in_seconds=7200
            ),
            training(
                "pass_unknown_spot_flag_with_short_wait",
                Unknown("var.spot has no value"),
                max_runtime_in_seconds=3600,
                max_wait_time_in_seconds=3600,
            ),
            resource(
                TRAINING,
                "unknown_stopping_condition",
                {"enable_managed_spot_training": True, "stopping_condition": Unknown("known only after apply")},
            ),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{TRAINING}.pass_at_limit": Verdict.PASSED,
        f"{TRAINING}.fail_one_past_limit": Verdict.FAILED,
        f"{TRAINING}.fail_wait_absent": Verdict.FAILED,
        f"{TRAINING}.fail_no_stopping_condition": Verdict.FAILED,
        f"{TRAINING}.fail_runtime_exceeds_wait": Verdict.FAILED,
        f"{TRAINING}.pass_runtime_omitted": Verdict.PASSED,
        f"{TRAINING}.pass_spot_disabled": Verdict.PASSED,
        f"{TRAINING}.pass_spot_omitted": Verdict.PASSED,
        f"{TRAINING}.pass_strings_at_limit": Verdict.PASSED,
        f"{TRAINING}.fail_strings_one_past_limit": Verdict.FAILED,
        f"{TRAINING}.pass_spot_string_false": Verdict.PASSED,
        f"{TRAINING}.unknown_wait": Verdict.UNKNOWN,
        f"{TRAINING}.unknown_runtime": Verdict.UNKNOWN,
        f"{TRAINING}.unknown_spot_flag_with_long_wait": Verdict.UNKNOWN,
        f"{TRAINING}.pass_unknown_spot_flag_with_short_wait": Verdict.PASSED,
        f"{TRAINING}.unknown_stopping_condition": Verdict.UNKNOWN,
    }
    messages = {a.split(".", 1)[1]: r.message for a, r in results.items()}
    assert messages["fail_one_past_limit"] == (
        "stopping_condition.max_wait_time_in_seconds is 3601, over the 3600 s spot training limit"
    )
    assert messages["fail_wait_absent"] == (
        "uses managed spot training without stopping_condition.max_wait_time_in_seconds; "
        "Marketplace allows a spot wait of at most 3600 s"
    )
    assert messages["fail_no_stopping_condition"] == messages["fail_wait_absent"]
    assert messages["fail_runtime_exceeds_wait"] == (
        "stopping_condition.max_runtime_in_seconds is 3000, longer than "
        "stopping_condition.max_wait_time_in_seconds (1800)"
    )
    assert messages["pass_spot_disabled"] == "does not use managed spot training"
    assert messages["unknown_wait"] == (
        "stopping_condition.max_wait_time_in_seconds cannot be checked against the 3600 s spot limit: "
        "known only after apply"
    )
    assert messages["unknown_runtime"] == (
        "stopping_condition.max_runtime_in_seconds cannot be compared with "
        "stopping_condition.max_wait_time_in_seconds: var.runtime has no value"
    )
    assert messages["unknown_spot_flag_with_long_wait"] == (
        "enable_managed_spot_training cannot be known (var.spot has no value), and with spot training on: "
        "stopping_condition.max_wait_time_in_seconds is 7200, over the 3600 s spot training limit"
    )
    assert messages["unknown_stopping_condition"] == (
        "stopping_condition.max_wait_time_in_seconds cannot be checked against the 3600 s spot limit: "
        "known only after apply"
    )


def test_tuning_jobs_judge_every_training_job_definition():
    results = judge(
        RULE,
        stack(
            resource(
                TUNING,
                "pass_at_limit",
                {
                    "training_job_definition": [
                        definition(True, max_runtime_in_seconds=3600, max_wait_time_in_seconds=3600)
                    ]
                },
            ),
            resource(
                TUNING,
                "fail_second_definition",
                {
                    "training_job_definitions": [
                        definition(False),
                        definition(True, max_wait_time_in_seconds=3601),
                    ]
                },
            ),
            resource(TUNING, "pass_no_definition", {}),
            resource(TUNING, "unknown_definitions", {"training_job_definitions": Unknown("known only after apply")}),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{TUNING}.pass_at_limit": Verdict.PASSED,
        f"{TUNING}.fail_second_definition": Verdict.FAILED,
        f"{TUNING}.pass_no_definition": Verdict.PASSED,
        f"{TUNING}.unknown_definitions": Verdict.UNKNOWN,
    }
    assert results[f"{TUNING}.fail_second_definition"].message == (
        "training_job_definitions[1] stopping_condition.max_wait_time_in_seconds is 3601, "
        "over the 3600 s spot training limit"
    )
    assert results[f"{TUNING}.unknown_definitions"].message == (
        "training_job_definitions cannot be read before apply: known only after apply"
    )


def test_algorithm_validation_training_jobs_have_no_spot_switch():
    results = judge(
        RULE,
        stack(
            algorithm("pass_wait_at_limit", max_runtime_in_seconds=3600, max_wait_time_in_seconds=3600),
            algorithm("fail_wait_one_past_limit", max_runtime_in_seconds=3600, max_wait_time_in_seconds=3601),
            algorithm("fail_runtime_exceeds_wait", max_runtime_in_seconds=3600, max_wait_time_in_seconds=1800),
            algorithm("pass_wait_absent", max_runtime_in_seconds=86400),
            algorithm("pass_no_stopping_condition"),
            algorithm("pass_awscc_wait_at_limit", CC_ALGORITHM, max_wait_time_in_seconds="3600"),
            algorithm("fail_awscc_wait_one_past_limit", CC_ALGORITHM, max_wait_time_in_seconds="3601"),
            algorithm("unknown_wait", max_wait_time_in_seconds=Unknown("known only after apply")),
            resource(ALGORITHM, "pass_no_validation_specification", {}),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{ALGORITHM}.pass_wait_at_limit": Verdict.PASSED,
        f"{ALGORITHM}.fail_wait_one_past_limit": Verdict.FAILED,
        f"{ALGORITHM}.fail_runtime_exceeds_wait": Verdict.FAILED,
        f"{ALGORITHM}.pass_wait_absent": Verdict.PASSED,
        f"{ALGORITHM}.pass_no_stopping_condition": Verdict.PASSED,
        f"{CC_ALGORITHM}.pass_awscc_wait_at_limit": Verdict.PASSED,
        f"{CC_ALGORITHM}.fail_awscc_wait_one_past_limit": Verdict.FAILED,
        f"{ALGORITHM}.unknown_wait": Verdict.UNKNOWN,
        f"{ALGORITHM}.pass_no_validation_specification": Verdict.PASSED,
    }
    messages = {a.split(".", 1)[1]: r.message for a, r in results.items()}
    assert messages["fail_wait_one_past_limit"] == (
        "validation profile 'p1' training_job_definition stopping_condition.max_wait_time_in_seconds is 3601, "
        "over the 3600 s spot training limit"
    )
    assert messages["fail_runtime_exceeds_wait"] == (
        "validation profile 'p1' training_job_definition stopping_condition.max_runtime_in_seconds is 3600, "
        "longer than stopping_condition.max_wait_time_in_seconds (1800)"
    )
    assert messages["pass_no_validation_specification"] == "no validation training job definition"


def test_pipeline_training_and_tuning_steps():
    def tuning_step(**arguments):
        return {"Name": "Tune", "Type": "Tuning", "Arguments": arguments}

    results = judge(
        RULE,
        stack(
            pipeline("pass_at_limit", training_step(True, MaxRuntimeInSeconds=3600, MaxWaitTimeInSeconds=3600)),
            pipeline("fail_one_past_limit", training_step(True, MaxRuntimeInSeconds=3600, MaxWaitTimeInSeconds=3601)),
            pipeline("fail_wait_absent", training_step(True, MaxRuntimeInSeconds=3600)),
            pipeline(
                "fail_runtime_exceeds_wait", training_step(True, MaxRuntimeInSeconds=3000, MaxWaitTimeInSeconds=1800)
            ),
            pipeline("pass_spot_disabled", training_step(False, MaxRuntimeInSeconds=86400)),
            pipeline("pass_spot_omitted", training_step(MaxRuntimeInSeconds=86400)),
            pipeline("fail_strings_one_past_limit", training_step("true", MaxWaitTimeInSeconds="3601")),
            pipeline("unknown_wait_parameter", training_step(True, MaxWaitTimeInSeconds={"Get": "Parameters.Wait"})),
            pipeline("unknown_spot_parameter", training_step({"Get": "Parameters.Spot"}, MaxWaitTimeInSeconds=7200)),
            pipeline(
                "pass_tuning_at_limit",
                tuning_step(
                    TrainingJobDefinition=api_definition(True, MaxRuntimeInSeconds=3600, MaxWaitTimeInSeconds=3600)
                ),
            ),
            pipeline(
                "fail_tuning_one_past_limit",
                tuning_step(TrainingJobDefinition=api_definition(True, MaxWaitTimeInSeconds=3601)),
            ),
            pipeline(
                "fail_tuning_definitions",
                tuning_step(
                    TrainingJobDefinitions=[
                        api_definition(True, MaxWaitTimeInSeconds=3600),
                        api_definition(True, MaxRuntimeInSeconds=3600),
                    ]
                ),
            ),
            pipeline("no_training_step", {"Name": "BatchTransform", "Type": "Transform", "Arguments": {}}),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{PIPELINE}.pass_at_limit": Verdict.PASSED,
        f"{PIPELINE}.fail_one_past_limit": Verdict.FAILED,
        f"{PIPELINE}.fail_wait_absent": Verdict.FAILED,
        f"{PIPELINE}.fail_runtime_exceeds_wait": Verdict.FAILED,
        f"{PIPELINE}.pass_spot_disabled": Verdict.PASSED,
        f"{PIPELINE}.pass_spot_omitted": Verdict.PASSED,
        f"{PIPELINE}.fail_strings_one_past_limit": Verdict.FAILED,
        f"{PIPELINE}.unknown_wait_parameter": Verdict.UNKNOWN,
        f"{PIPELINE}.unknown_spot_parameter": Verdict.UNKNOWN,
        f"{PIPELINE}.pass_tuning_at_limit": Verdict.PASSED,
        f"{PIPELINE}.fail_tuning_one_past_limit": Verdict.FAILED,
        f"{PIPELINE}.fail_tuning_definitions": Verdict.FAILED,
    }
    messages = {a.split(".", 1)[1]: r.message for a, r in results.items()}
    assert messages["fail_one_past_limit"] == (
        "step 'Train' (Training) StoppingCondition.MaxWaitTimeInSeconds is 3601, over the 3600 s spot training limit"
    )
    assert messages["fail_wait_absent"] == (
        "step 'Train' (Training) uses managed spot training without StoppingCondition.MaxWaitTimeInSeconds; "
        "Marketplace allows a spot wait of at most 3600 s"
    )
    assert messages["fail_tuning_one_past_limit"] == (
        "step 'Tune' (Tuning) TrainingJobDefinition StoppingCondition.MaxWaitTimeInSeconds is 3601, "
        "over the 3600 s spot training limit"
    )
    assert messages["fail_tuning_definitions"] == (
        "step 'Tune' (Tuning) TrainingJobDefinitions[1] uses managed spot training without "
        "StoppingCondition.MaxWaitTimeInSeconds; Marketplace allows a spot wait of at most 3600 s"
    )
    assert messages["unknown_wait_parameter"] == (
        "step 'Train' (Training) StoppingCondition.MaxWaitTimeInSeconds cannot be checked against the 3600 s "
        "spot limit: pipeline expression {Get: 'Parameters.Wait'} is resolved only when the pipeline runs"
    )
    assert messages["unknown_spot_parameter"] == (
        "step 'Train' (Training) EnableManagedSpotTraining cannot be known (pipeline expression "
        "{Get: 'Parameters.Spot'} is resolved only when the pipeline runs), and with spot training on: "
        "StoppingCondition.MaxWaitTimeInSeconds is 7200, over the 3600 s spot training limit"
    )
    assert messages["pass_at_limit"] == "every spot training job waits at most 3600 s"


def example_verdicts(path):
    grouped = addresses_by_verdict(scan_path(str(path), Settings()), RULE)
    return {verdict: {strip_instance_keys(a) for a in addresses} for verdict, addresses in grouped.items()}


AWS5_EXPECTED = {
    "PASSED": {
        f"{PIPELINE}.pass_spot_wait_at_limit",
        f"{PIPELINE}.pass_spot_disabled",
        f"{PIPELINE}.pass_spot_omitted",
        f"{PIPELINE}.pass_tuning_spot_wait_at_limit",
    },
    "FAILED": {
        f"{PIPELINE}.fail_spot_wait_one_past_limit",
        f"{PIPELINE}.fail_spot_wait_absent",
        f"{PIPELINE}.fail_spot_runtime_exceeds_wait",
        f"{PIPELINE}.fail_tuning_spot_wait_one_past_limit",
    },
    "UNKNOWN": {f"{PIPELINE}.unknown_spot_wait_parameter"},
}


def test_example_aws5_directory_and_plan():
    directory = EXAMPLES / "rules" / RULE / "aws5"
    assert example_verdicts(directory) == AWS5_EXPECTED
    assert example_verdicts(directory / "plan.json") == AWS5_EXPECTED


def test_example_aws6_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "aws6") == {
        "PASSED": {
            f"{ALGORITHM}.pass_validation_wait_at_limit",
            f"{ALGORITHM}.pass_validation_wait_absent",
            f"{TRAINING}.pass_spot_wait_at_limit",
            f"{TRAINING}.pass_spot_disabled",
            f"{TUNING}.pass_spot_wait_at_limit",
        },
        "FAILED": {
            f"{ALGORITHM}.fail_validation_wait_one_past_limit",
            f"{ALGORITHM}.fail_validation_runtime_exceeds_wait",
            f"{TRAINING}.fail_spot_wait_one_past_limit",
            f"{TRAINING}.fail_spot_wait_absent",
            f"{TRAINING}.fail_spot_runtime_exceeds_wait",
            f"{TUNING}.fail_spot_wait_one_past_limit",
        },
    }
