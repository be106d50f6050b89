"""CKV_MLM_001: containers run network-isolated."""

from __future__ import annotations

import json

from mlmarket.model import Unknown, Verdict, strip_instance_keys
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, addresses_by_verdict, judge, resource, stack

RULE = "CKV_MLM_001"
MODEL = "aws_sagemaker_model"
CC_MODEL = "awscc_sagemaker_model"
TRAINING = "aws_sagemaker_training_job"
TUNING = "aws_sagemaker_hyper_parameter_tuning_job"
PIPELINE = "aws_sagemaker_pipeline"
IMAGE = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
REQUIREMENT = "Marketplace runs ML products network-isolated"


def model(name, resource_type=MODEL, **isolation):
    return resource(resource_type, name, {"primary_container": [{"image": IMAGE}], **isolation})


def pipeline(name, *steps):
    return resource(
        PIPELINE, name, {"pipeline_definition": json.dumps({"Version": "2020-12-01", "Steps": list(steps)})}
    )


def step(name, step_type, **arguments):
    return {"Name": name, "Type": step_type, "Arguments": arguments}


def test_models_and_training_jobs():
    results = judge(
        RULE,
        stack(
            model("pass_true", enable_network_isolation=True),
            model("pass_true_as_string", enable_network_isolation="true"),
            model("fail_false", enable_network_isolation=False),
            model("fail_false_as_string", enable_network_isolation="false"),
            model("fail_absent"),
            model("fail_null", enable_network_isolation=None),
            model("unknown_variable", enable_network_isolation=Unknown("var.isolation has no value")),
            model("unknown_not_a_bool", enable_network_isolation="yes"),
            model("pass_cc_true", CC_MODEL, enable_network_isolation=True),
            model("fail_cc_absent", CC_MODEL),
            resource(TRAINING, "pass_training_true", {"enable_network_isolation": True}),
            resource(TRAINING, "fail_training_false", {"enable_network_isolation": False}),
            resource(TRAINING, "fail_training_absent", {}),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{MODEL}.pass_true": Verdict.PASSED,
        f"{MODEL}.pass_true_as_string": Verdict.PASSED,
        f"{MODEL}.fail_false": Verdict.FAILED,
        f"{MODEL}.fail_false_as_string": Verdict.FAILED,
        f"{MODEL}.fail_absent": Verdict.FAILED,
        f"{MODEL}.fail_null": Verdict.FAILED,
        f"{MODEL}.unknown_variable": Verdict.UNKNOWN,
        f"{MODEL}.unknown_not_a_bool": Verdict.UNKNOWN,
        f"{CC_MODEL}.pass_cc_true": Verdict.PASSED,
        f"{CC_MODEL}.fail_cc_absent": Verdict.FAILED,
        f"{TRAINING}.pass_training_true": Verdict.PASSED,
        f"{TRAINING}.fail_training_false": Verdict.FAILED,
        f"{TRAINING}.fail_training_absent": Verdict.FAILED,
    }
    assert results[f"{MODEL}.pass_true"].message == "enable_network_isolation is true"
    assert results[f"{MODEL}.fail_false"].message == f"enable_network_isolation is false; {REQUIREMENT}"
    assert results[f"{MODEL}.fail_absent"].message == (
        f"enable_network_isolation is not set (SageMaker defaults to false); {REQUIREMENT}"
    )
    assert results[f"{MODEL}.unknown_variable"].message == (
        "enable_network_isolation cannot be resolved: var.isolation has no value"
    )
    assert results[f"{MODEL}.unknown_not_a_bool"].message == (
        "enable_network_isolation cannot be resolved: 'yes' is not a boolean"
    )


def test_tuning_jobs_judge_every_training_job_definition():
    results = judge(
        RULE,
        stack(
            resource(
                TUNING, "pass_single_definition", {"training_job_definition": [{"enable_network_isolation": True}]}
            ),
            resource(
                TUNING,
                "pass_definitions",
                {
                    "training_job_definitions": [
                        {"enable_network_isolation": True},
                        {"enable_network_isolation": "true"},
                    ],
                },
            ),
            resource(
                TUNING,
                "fail_second_definition_not_isolated",
                {
                    "training_job_definitions": [
                        {"enable_network_isolation": True},
                        {"enable_network_isolation": False},
                    ],
                },
            ),
            resource(TUNING, "fail_single_definition_absent", {"training_job_definition": [{"role_arn": "r"}]}),
            resource(TUNING, "unknown_definitions", {"training_job_definitions": Unknown("known only after apply")}),
            resource(TUNING, "no_definitions", {}),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{TUNING}.pass_single_definition": Verdict.PASSED,
        f"{TUNING}.pass_definitions": Verdict.PASSED,
        f"{TUNING}.fail_second_definition_not_isolated": Verdict.FAILED,
        f"{TUNING}.fail_single_definition_absent": Verdict.FAILED,
        f"{TUNING}.unknown_definitions": Verdict.UNKNOWN,
    }
    assert results[f"{TUNING}.fail_second_definition_not_isolated"].message == (
        f"training_job_definitions[1].enable_network_isolation is false; {REQUIREMENT}"
    )
    assert results[f"{TUNING}.unknown_definitions"].message == (
        "training_job_definitions cannot be resolved: known only after apply"
    )
    assert results[f"{TUNING}.pass_definitions"].message == "every training job definition enables network isolation"


def test_pipeline_training_model_and_tuning_steps():
    results = judge(
        RULE,
        stack(
            pipeline("pass_training", step("Train", "Training", EnableNetworkIsolation=True)),
            pipeline("pass_training_bool_as_string", step("Train", "Training", EnableNetworkIsolation="true")),
            pipeline("fail_training_absent", step("Train", "Training")),
            pipeline("pass_model", step("CreateModel", "Model", EnableNetworkIsolation=True)),
            pipeline("fail_model_false", step("CreateModel", "Model", EnableNetworkIsolation=False)),
            pipeline(
                "pass_tuning_single", step("Tune", "Tuning", TrainingJobDefinition={"EnableNetworkIsolation": True})
            ),
            pipeline("fail_tuning_single_absent", step("Tune", "Tuning", TrainingJobDefinition={"RoleArn": "r"})),
            pipeline(
                "fail_tuning_second_definition",
                step(
                    "Tune",
                    "Tuning",
                    TrainingJobDefinitions=[{"EnableNetworkIsolation": True}, {"EnableNetworkIsolation": False}],
                ),
            ),
            pipeline(
                "pass_tuning_definitions_and_single",
                step(
                    "Tune",
                    "Tuning",
                    TrainingJobDefinition={"EnableNetworkIsolation": True},
                    TrainingJobDefinitions=[{"EnableNetworkIsolation": True}],
                ),
            ),
            pipeline(
                "unknown_parameter", step("Train", "Training", EnableNetworkIsolation={"Get": "Parameters.Isolation"})
            ),
            pipeline(
                "fail_and_unknown",
                step("Train", "Training", EnableNetworkIsolation={"Get": "Parameters.Isolation"}),
                step("CreateModel", "Model", EnableNetworkIsolation=False),
            ),
            pipeline(
                "fail_in_condition_branch",
                step(
                    "Check",
                    "Condition",
                    IfSteps=[step("Train", "Training", EnableNetworkIsolation=False)],
                    ElseSteps=[],
                ),
            ),
            pipeline("processing_only", step("Prepare", "Processing")),
            resource(PIPELINE, "unknown_definition", {"pipeline_definition": Unknown("known only after apply")}),
            resource(
                PIPELINE,
                "unknown_definition_in_s3",
                {"pipeline_definition_s3_location": [{"bucket": "b", "object_key": "k"}]},
            ),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{PIPELINE}.pass_training": Verdict.PASSED,
        f"{PIPELINE}.pass_training_bool_as_string": Verdict.PASSED,
        f"{PIPELINE}.fail_training_absent": Verdict.FAILED,
        f"{PIPELINE}.pass_model": Verdict.PASSED,
        f"{PIPELINE}.fail_model_false": Verdict.FAILED,
        f"{PIPELINE}.pass_tuning_single": Verdict.PASSED,
        f"{PIPELINE}.fail_tuning_single_absent": Verdict.FAILED,
        f"{PIPELINE}.fail_tuning_second_definition": Verdict.FAILED,
        f"{PIPELINE}.pass_tuning_definitions_and_single": Verdict.PASSED,
        f"{PIPELINE}.unknown_parameter": Verdict.UNKNOWN,
        f"{PIPELINE}.fail_and_unknown": Verdict.FAILED,
        f"{PIPELINE}.fail_in_condition_branch": Verdict.FAILED,
        f"{PIPELINE}.unknown_definition": Verdict.UNKNOWN,
        f"{PIPELINE}.unknown_definition_in_s3": Verdict.UNKNOWN,
    }
    assert results[f"{PIPELINE}.fail_training_absent"].message == (
        f"step 'Train' (Training) EnableNetworkIsolation is not set (SageMaker defaults to false); {REQUIREMENT}"
    )
    assert results[f"{PIPELINE}.fail_tuning_second_definition"].message == (
        f"step 'Tune' (Tuning) TrainingJobDefinitions[1].EnableNetworkIsolation is false; {REQUIREMENT}"
    )
    assert results[f"{PIPELINE}.unknown_parameter"].message == (
        "step 'Train' (Training) EnableNetworkIsolation cannot be resolved: "
        "pipeline expression {Get: 'Parameters.Isolation'} is resolved only when the pipeline runs"
    )
    assert results[f"{PIPELINE}.fail_and_unknown"].message == (
        f"step 'CreateModel' (Model) EnableNetworkIsolation is false; {REQUIREMENT}"
    )
    assert results[f"{PIPELINE}.unknown_definition_in_s3"].message == (
        "the pipeline steps cannot be read: the pipeline definition is stored in S3 and cannot be read from Terraform"
    )
    assert results[f"{PIPELINE}.pass_model"].message == (
        "every Training, Model and Tuning step enables network isolation"
    )


def example_verdicts(path):
    grouped = addresses_by_verdict(scan_path(str(path), Settings()), RULE)
    return {verdict: {strip_instance_keys(a) for a in addresses} for verdict, addresses in grouped.items()}


AWS5_EXPECTED = {
    "PASSED": {
        f"{MODEL}.pass_isolation_enabled",
        f"{PIPELINE}.pass_training_step_isolated",
        f"{PIPELINE}.pass_model_step_isolated",
        f"{PIPELINE}.pass_tuning_step_isolated",
    },
    "FAILED": {
        f"{MODEL}.fail_isolation_disabled",
        f"{MODEL}.fail_isolation_absent",
        f"{PIPELINE}.fail_training_step_not_isolated",
        f"{PIPELINE}.fail_training_step_isolation_absent",
        f"{PIPELINE}.fail_model_step_not_isolated",
        f"{PIPELINE}.fail_tuning_step_not_isolated",
    },
    "UNKNOWN": {f"{PIPELINE}.unknown_isolation_parameter"},
}


def test_example_aws5_directory_and_plan():
    directory = EXAMPLES / "rules" / RULE / "aws5"
    assert example_verdicts(directory) == AWS5_EXPECTED
    assert example_verdicts(directory / "plan.json") == AWS5_EXPECTED


def test_example_aws6_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "aws6") == {
        "PASSED": {f"{TRAINING}.pass_isolation_enabled", f"{TUNING}.pass_isolation_enabled"},
        "FAILED": {
            f"{TRAINING}.fail_isolation_disabled",
            f"{TRAINING}.fail_isolation_absent",
            f"{TUNING}.fail_isolation_absent",
        },
    }


def test_example_awscc_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "awscc") == {
        "PASSED": {f"{CC_MODEL}.pass_isolation_enabled"},
        "FAILED": {f"{CC_MODEL}.fail_isolation_disabled", f"{CC_MODEL}.fail_isolation_absent"},
    }
