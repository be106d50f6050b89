"""CKV_MLM_013: the seller's own image, not an AWS built-in algorithm or Deep Learning Container."""

from __future__ import annotations

import json

from mlmarket.model import Unknown, Verdict, strip_instance_keys
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, SELLER, addresses_by_verdict, judge, resource, stack

RULE = "CKV_MLM_013"
MODEL = "aws_sagemaker_model"
ALGORITHM = "aws_sagemaker_algorithm"
PIPELINE = "aws_sagemaker_pipeline"
OWN_IMAGE = f"{SELLER}.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
XGBOOST_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
DLC_IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-cpu-py310"
NOT_BUILT_IN = "Marketplace does not list AWS built-in algorithms or Deep Learning Containers as a seller's product"
XGBOOST_OWNER = "AWS-owned SageMaker image registry (xgboost, sklearn, huggingface-tei, ...)"


def model(name, *images):
    return resource(MODEL, name, {"container": [{"image": image} for image in images]})


def reference(address):
    return Unknown(f"`{address}` is only known at apply time", (address,))


def test_aws_owned_registries():
    results = judge(
        RULE,
        stack(
            resource("aws_ecr_repository", "unpinned", {"name": "my-model"}),
            resource(
                "aws_sagemaker_prebuilt_ecr_image",
                "xgboost",
                {"repository_name": "sagemaker-xgboost", "image_tag": "1.7-1"},
                mode="data",
            ),
            model("pass_own_image", OWN_IMAGE),
            model("fail_builtin_xgboost", XGBOOST_IMAGE),
            model("fail_deep_learning_container", DLC_IMAGE),
            model("fail_second_container_builtin", OWN_IMAGE, XGBOOST_IMAGE),
            model(
                "fail_prebuilt_data_source", reference("data.aws_sagemaker_prebuilt_ecr_image.xgboost.registry_path")
            ),
            model("pass_unpinned_in_config_repository", reference("aws_ecr_repository.unpinned.repository_url")),
            model("not_ecr", "nginx:latest"),
            model("not_resolved", Unknown("var.image has no value")),
            resource(
                ALGORITHM,
                "fail_algorithm_training_image_dlc",
                {
                    "training_specification": [{"training_image": DLC_IMAGE}],
                    "inference_specification": [{"containers": [{"image": OWN_IMAGE}]}],
                },
            ),
            resource(
                PIPELINE,
                "fail_tuning_step_builtin",
                {
                    "pipeline_definition": json.dumps(
                        {
                            "Steps": [
                                {
                                    "Name": "Tune",
                                    "Type": "Tuning",
                                    "Arguments": {
                                        "TrainingJobDefinition": {
                                            "AlgorithmSpecification": {"TrainingImage": XGBOOST_IMAGE}
                                        }
                                    },
                                }
                            ]
                        }
                    )
                },
            ),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{MODEL}.pass_own_image": Verdict.PASSED,
        f"{MODEL}.fail_builtin_xgboost": Verdict.FAILED,
        f"{MODEL}.fail_deep_learning_container": Verdict.FAILED,
        f"{MODEL}.fail_second_container_builtin": Verdict.FAILED,
        f"{MODEL}.fail_prebuilt_data_source": Verdict.FAILED,
        f"{MODEL}.pass_unpinned_in_config_repository": Verdict.PASSED,
        f"{ALGORITHM}.fail_algorithm_training_image_dlc": Verdict.FAILED,
        f"{PIPELINE}.fail_tuning_step_builtin": Verdict.FAILED,
        f"{MODEL}.not_resolved": Verdict.UNKNOWN,  # may be an AWS-owned image: never no result (fail closed)
    }
    assert results[f"{MODEL}.not_resolved"].message == "container[0].image cannot be resolved: var.image has no value"
    assert results[f"{MODEL}.pass_own_image"].message == "every private ECR image is the seller's own"
    assert results[f"{MODEL}.fail_second_container_builtin"].message == (
        f"container[1].image is in account 683313688378, an {XGBOOST_OWNER}; {NOT_BUILT_IN}"
    )
    assert results[f"{MODEL}.fail_prebuilt_data_source"].message == (
        "container[0].image (data.aws_sagemaker_prebuilt_ecr_image.xgboost) is a SageMaker prebuilt image "
        f"from an AWS-owned registry; {NOT_BUILT_IN}"
    )
    assert results[f"{PIPELINE}.fail_tuning_step_builtin"].message == (
        "step 'Tune' (Tuning) TrainingJobDefinition.AlgorithmSpecification.TrainingImage is in account "
        f"683313688378, an {XGBOOST_OWNER}; {NOT_BUILT_IN}"
    )


def test_no_seller_account_is_needed():
    results = judge(RULE, stack(model("pass_own_image", OWN_IMAGE), model("fail_builtin", XGBOOST_IMAGE), seller=None))
    assert {a: r.verdict for a, r in results.items()} == {
        f"{MODEL}.pass_own_image": Verdict.PASSED,
        f"{MODEL}.fail_builtin": Verdict.FAILED,
    }


def example_verdicts(path):
    grouped = addresses_by_verdict(scan_path(str(path), Settings()), RULE)
    return {verdict: {strip_instance_keys(a) for a in addresses} for verdict, addresses in grouped.items()}


AWS5_EXPECTED = {
    "PASSED": {f"{MODEL}.pass_own_image", f"{MODEL}.pass_in_config_repository"},
    "FAILED": {
        f"{MODEL}.fail_builtin_xgboost",
        f"{MODEL}.fail_deep_learning_container",
        f"{MODEL}.fail_prebuilt_data_source",
        f"{PIPELINE}.fail_training_step_builtin_xgboost",
    },
}


def test_example_aws5_directory_and_plan():
    directory = EXAMPLES / "rules" / RULE / "aws5"
    assert example_verdicts(directory) == AWS5_EXPECTED
    assert example_verdicts(directory / "plan.json") == AWS5_EXPECTED
