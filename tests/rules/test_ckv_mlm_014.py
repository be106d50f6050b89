"""CKV_MLM_014: model packages are not derived from an AWS built-in or a subscribed algorithm."""

from __future__ import annotations

import json

from mlmarket import limits
from mlmarket.model import Unknown, Verdict, strip_instance_keys
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, OTHER_ACCOUNT, SELLER, addresses_by_verdict, judge, resource, stack

RULE = "CKV_MLM_014"
PACKAGE = "awscc_sagemaker_model_package"
PIPELINE = "aws_sagemaker_pipeline"
AWS_OWNED = "683313688378"  # the xgboost/sklearn registry account in us-east-1
OWN_ARN = f"arn:aws:sagemaker:us-east-1:{SELLER}:algorithm/my-algorithm"
OTHER_ARN = f"arn:aws:sagemaker:us-east-1:{OTHER_ACCOUNT}:algorithm/their-algorithm"
AWS_ARN = f"arn:aws:sagemaker:us-east-1:{AWS_OWNED}:algorithm/xgboost"
WHERE = "source_algorithm_specification.source_algorithms[0].algorithm_name"


def package(name, *algorithm_names, **attributes):
    if algorithm_names:
        attributes["source_algorithm_specification"] = {
            "source_algorithms": [{"algorithm_name": n, "model_data_url": "s3://b/m.tar.gz"} for n in algorithm_names]
        }
    return resource(PACKAGE, name, attributes)


def test_the_dataset_knows_the_aws_owned_account():
    assert limits.is_aws_owned_registry(AWS_OWNED)


def test_model_package_source_algorithms():
    results = judge(
        RULE,
        stack(
            resource("aws_sagemaker_algorithm", "mine", {"algorithm_name": "my-algorithm"}),
            resource("aws_sagemaker_algorithm", "elsewhere", {"algorithm_name": "x"}, account=OTHER_ACCOUNT),
            package("pass_no_source_algorithm", inference_specification={"containers": [{"image": "img"}]}),
            package("pass_own_algorithm_name", "my-algorithm"),
            package("pass_own_algorithm_arn", OWN_ARN),
            package("fail_subscribed_algorithm", OTHER_ARN),
            package("fail_aws_owned_algorithm", AWS_ARN),
            package("fail_china_partition", f"arn:aws-cn:sagemaker:cn-north-1:{OTHER_ACCOUNT}:algorithm/x"),
            package("fail_second_algorithm", "my-algorithm", OTHER_ARN),
            package("unknown_not_an_algorithm_arn", f"arn:aws:sagemaker:us-east-1:{SELLER}:model-package/x"),
            package("unknown_algorithm_name", Unknown("var.algorithm has no value in the configuration")),
            package(
                "pass_referenced_algorithm",
                Unknown(
                    "`aws_sagemaker_algorithm.mine.arn` is only known at apply time",
                    ("aws_sagemaker_algorithm.mine.arn",),
                ),
            ),
            package(
                "fail_referenced_algorithm_other_account",
                Unknown(
                    "`aws_sagemaker_algorithm.elsewhere.arn` is only known at apply time",
                    ("aws_sagemaker_algorithm.elsewhere.arn",),
                ),
            ),
            package(
                "unknown_source_algorithms",
                source_algorithm_specification={"source_algorithms": Unknown("known after apply")},
            ),
            package(
                "pass_single_object_quirk",
                source_algorithm_specification=[{"source_algorithms": {"algorithm_name": "my-algorithm"}}],
            ),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{PACKAGE}.pass_no_source_algorithm": Verdict.PASSED,
        f"{PACKAGE}.pass_own_algorithm_name": Verdict.PASSED,
        f"{PACKAGE}.pass_own_algorithm_arn": Verdict.PASSED,
        f"{PACKAGE}.fail_subscribed_algorithm": Verdict.FAILED,
        f"{PACKAGE}.fail_aws_owned_algorithm": Verdict.FAILED,
        f"{PACKAGE}.fail_china_partition": Verdict.FAILED,
        f"{PACKAGE}.fail_second_algorithm": Verdict.FAILED,
        f"{PACKAGE}.unknown_not_an_algorithm_arn": Verdict.UNKNOWN,
        f"{PACKAGE}.unknown_algorithm_name": Verdict.UNKNOWN,
        f"{PACKAGE}.pass_referenced_algorithm": Verdict.PASSED,
        f"{PACKAGE}.fail_referenced_algorithm_other_account": Verdict.FAILED,
        f"{PACKAGE}.unknown_source_algorithms": Verdict.UNKNOWN,
        f"{PACKAGE}.pass_single_object_quirk": Verdict.PASSED,
    }
    messages = {a.split(".", 1)[1]: r.message for a, r in results.items()}
    assert messages["fail_subscribed_algorithm"] == (
        f"{WHERE} is '{OTHER_ARN}' in account {OTHER_ACCOUNT}, not the seller account {SELLER}: "
        "a package derived from a subscribed algorithm cannot be listed"
    )
    assert messages["fail_aws_owned_algorithm"] == (
        f"{WHERE} is '{AWS_ARN}' in account {AWS_OWNED}, an {limits.registry_owner(AWS_OWNED)}: "
        "Marketplace does not list packages derived from AWS built-in algorithms"
    )
    assert messages["unknown_algorithm_name"] == (
        f"{WHERE} is unknown: var.algorithm has no value in the configuration"
    )
    assert messages["fail_referenced_algorithm_other_account"] == (
        f"{WHERE} refers to aws_sagemaker_algorithm.elsewhere, created in account {OTHER_ACCOUNT}, "
        f"not the seller account {SELLER}"
    )
    assert messages["pass_no_source_algorithm"] == (
        "no source algorithm: the package is built from its own inference image"
    )
    assert messages["pass_own_algorithm_arn"] == "every source algorithm is in the seller's own account"


def test_without_a_seller_account():
    results = judge(
        RULE,
        stack(
            package("fail_aws_owned_algorithm", AWS_ARN),
            package("unknown_other_account", OTHER_ARN),
            package("pass_own_algorithm_name", "my-algorithm"),
            seller=None,
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{PACKAGE}.fail_aws_owned_algorithm": Verdict.FAILED,
        f"{PACKAGE}.unknown_other_account": Verdict.UNKNOWN,
        f"{PACKAGE}.pass_own_algorithm_name": Verdict.PASSED,
    }
    assert results[f"{PACKAGE}.unknown_other_account"].message == (
        f"{WHERE} is '{OTHER_ARN}' in account {OTHER_ACCOUNT}, and the seller account is unknown: "
        "set the seller account with --seller-account, `seller_account_id` in .mlmarket.yaml, "
        "MLMARKET_SELLER_ACCOUNT, or allowed_account_ids on the aws provider"
    )


def register_step(name, source_algorithms=None):
    arguments = {"ModelPackageName": name}
    if source_algorithms is not None:
        arguments["SourceAlgorithmSpecification"] = {"SourceAlgorithms": source_algorithms}
    return {"Name": name, "Type": "RegisterModel", "Arguments": arguments}


def pipeline(name, *steps, **attributes):
    if steps:
        attributes["pipeline_definition"] = json.dumps({"Version": "2020-12-01", "Steps": list(steps)})
    return resource(PIPELINE, name, attributes)


def test_pipeline_register_model_steps():
    training = {"Name": "Train", "Type": "Training", "Arguments": {}}
    results = judge(
        RULE,
        stack(
            pipeline("no_register_step", training),
            pipeline("pass_register_own_algorithm", training, register_step("Register", [{"AlgorithmName": OWN_ARN}])),
            pipeline("pass_register_without_source_algorithm", register_step("Register")),
            pipeline("fail_register_subscribed_algorithm", register_step("Register", [{"AlgorithmName": OTHER_ARN}])),
            pipeline(
                "fail_in_condition_branch",
                {
                    "Name": "Check",
                    "Type": "Condition",
                    "Arguments": {
                        "IfSteps": [register_step("RegisterIfGood", [{"AlgorithmName": AWS_ARN}])],
                        "ElseSteps": [],
                    },
                },
            ),
            pipeline(
                "unknown_algorithm_parameter",
                register_step("Register", [{"AlgorithmName": {"Get": "Parameters.Algorithm"}}]),
            ),
            pipeline("unknown_definition_in_s3", pipeline_definition_s3_location=[{"bucket": "b", "object_key": "k"}]),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{PIPELINE}.pass_register_own_algorithm": Verdict.PASSED,
        f"{PIPELINE}.pass_register_without_source_algorithm": Verdict.PASSED,
        f"{PIPELINE}.fail_register_subscribed_algorithm": Verdict.FAILED,
        f"{PIPELINE}.fail_in_condition_branch": Verdict.FAILED,
        f"{PIPELINE}.unknown_algorithm_parameter": Verdict.UNKNOWN,
        f"{PIPELINE}.unknown_definition_in_s3": Verdict.UNKNOWN,
    }
    assert results[f"{PIPELINE}.fail_register_subscribed_algorithm"].message == (
        f"step 'Register' (RegisterModel) SourceAlgorithmSpecification.SourceAlgorithms[0].AlgorithmName is "
        f"'{OTHER_ARN}' in account {OTHER_ACCOUNT}, not the seller account {SELLER}: "
        "a package derived from a subscribed algorithm cannot be listed"
    )
    assert results[f"{PIPELINE}.unknown_algorithm_parameter"].message == (
        "step 'Register' (RegisterModel) SourceAlgorithmSpecification.SourceAlgorithms[0].AlgorithmName is unknown: "
        "pipeline expression {Get: 'Parameters.Algorithm'} is resolved only when the pipeline runs"
    )
    assert results[f"{PIPELINE}.unknown_definition_in_s3"].message == (
        "the pipeline definition cannot be read: the pipeline definition is stored in S3 and cannot be read "
        "from Terraform"
    )


def example_verdicts(path):
    grouped = addresses_by_verdict(scan_path(str(path), Settings()), RULE)
    return {verdict: {strip_instance_keys(a) for a in addresses} for verdict, addresses in grouped.items()}


def test_example_aws5_directory_and_plan():
    expected = {
        "PASSED": {f"{PIPELINE}.pass_register_own_algorithm", f"{PIPELINE}.pass_register_without_source_algorithm"},
        "FAILED": {f"{PIPELINE}.fail_register_subscribed_algorithm", f"{PIPELINE}.fail_register_aws_owned_algorithm"},
    }
    directory = EXAMPLES / "rules" / RULE / "aws5"
    assert example_verdicts(directory) == expected
    assert example_verdicts(directory / "plan.json") == expected


def test_example_awscc_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "awscc") == {
        "PASSED": {
            f"{PACKAGE}.pass_own_algorithm_arn",
            f"{PACKAGE}.pass_own_algorithm_name",
            f"{PACKAGE}.pass_no_source_algorithm",
        },
        "FAILED": {f"{PACKAGE}.fail_subscribed_algorithm", f"{PACKAGE}.fail_aws_owned_algorithm"},
    }
