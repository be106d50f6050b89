"""CKV_MLM_003: container images live in the seller's own AWS account."""

from __future__ import annotations

import json

from mlmarket.model import SELLER_ACCOUNT_HINT, Unknown, Verdict, strip_instance_keys
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, OTHER_ACCOUNT, SELLER, addresses_by_verdict, judge, resource, stack

RULE = "CKV_MLM_003"
MODEL = "aws_sagemaker_model"
PIPELINE = "aws_sagemaker_pipeline"
OWN_IMAGE = f"{SELLER}.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
OTHER_IMAGE = f"{OTHER_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/their-model:1.0"
DLC_IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-cpu-py310"
OWN_REGISTRY = "Marketplace publishes only images from the seller's own ECR registry"


def model(name, *images):
    return resource(MODEL, name, {"container": [{"image": image} for image in images]})


def reference(address):
    return Unknown(f"`{address}` is only known at apply time", (address,))


def repositories():
    return (
        resource("aws_ecr_repository", "pinned_seller", {"name": "a"}, account=SELLER),
        resource("aws_ecr_repository", "pinned_other", {"name": "b"}, account=OTHER_ACCOUNT),
        resource("aws_ecr_repository", "unpinned", {"name": "c"}),
        resource(
            "aws_sagemaker_prebuilt_ecr_image",
            "xgboost",
            {"repository_name": "sagemaker-xgboost", "image_tag": "1.7-1"},
            mode="data",
        ),
    )


def test_accounts_with_a_seller_account():
    results = judge(
        RULE,
        stack(
            *repositories(),
            model("pass_own_account", OWN_IMAGE),
            model("pass_own_account_dual_stack", f"{SELLER}.dkr-ecr.us-east-1.on.aws/my-model:1.0"),
            model("fail_other_account", OTHER_IMAGE),
            model("fail_aws_deep_learning_container", DLC_IMAGE),
            model("fail_second_container_other_account", OWN_IMAGE, OTHER_IMAGE),
            model("pass_pinned_in_config_repository", reference("aws_ecr_repository.pinned_seller.repository_url")),
            model(
                "fail_pinned_other_in_config_repository", reference("aws_ecr_repository.pinned_other.repository_url")
            ),
            model("unknown_unpinned_in_config_repository", reference("aws_ecr_repository.unpinned.repository_url")),
            model(
                "fail_prebuilt_data_source", reference("data.aws_sagemaker_prebuilt_ecr_image.xgboost.registry_path")
            ),
            model(
                "fail_other_account_beside_unknown",
                reference("aws_ecr_repository.unpinned.repository_url"),
                OTHER_IMAGE,
            ),
            model("not_ecr_docker_hub", "nginx:latest"),
            model("not_ecr_unresolved", Unknown("var.image has no value")),
            model("pass_own_image_beside_docker_hub", OWN_IMAGE, "nginx:latest"),
            resource(MODEL, "unreadable_containers", {"container": Unknown("known only after apply")}),
            resource(
                PIPELINE,
                "fail_training_step_other_account",
                {
                    "pipeline_definition": json.dumps(
                        {
                            "Steps": [
                                {
                                    "Name": "Train",
                                    "Type": "Training",
                                    "Arguments": {"AlgorithmSpecification": {"TrainingImage": OTHER_IMAGE}},
                                }
                            ]
                        }
                    )
                },
            ),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{MODEL}.pass_own_account": Verdict.PASSED,
        f"{MODEL}.pass_own_account_dual_stack": Verdict.PASSED,
        f"{MODEL}.fail_other_account": Verdict.FAILED,
        f"{MODEL}.fail_aws_deep_learning_container": Verdict.FAILED,
        f"{MODEL}.fail_second_container_other_account": Verdict.FAILED,
        f"{MODEL}.pass_pinned_in_config_repository": Verdict.PASSED,
        f"{MODEL}.fail_pinned_other_in_config_repository": Verdict.FAILED,
        f"{MODEL}.unknown_unpinned_in_config_repository": Verdict.UNKNOWN,
        f"{MODEL}.fail_prebuilt_data_source": Verdict.FAILED,
        f"{MODEL}.fail_other_account_beside_unknown": Verdict.FAILED,
        f"{MODEL}.pass_own_image_beside_docker_hub": Verdict.PASSED,
        f"{PIPELINE}.fail_training_step_other_account": Verdict.FAILED,
        # An image that cannot be resolved may be in another account: UNKNOWN, never no result (fail closed).
        f"{MODEL}.not_ecr_unresolved": Verdict.UNKNOWN,
        f"{MODEL}.unreadable_containers": Verdict.UNKNOWN,
    }
    assert results[f"{MODEL}.not_ecr_unresolved"].message == (
        "container[0].image cannot be resolved: var.image has no value"
    )
    assert results[f"{MODEL}.unreadable_containers"].message == (
        "container cannot be resolved: known only after apply"
    )
    assert results[f"{MODEL}.pass_own_account"].message == f"every private ECR image is in the seller account {SELLER}"
    assert results[f"{MODEL}.fail_second_container_other_account"].message == (
        f"container[1].image is in account {OTHER_ACCOUNT}, not the seller account {SELLER}; {OWN_REGISTRY}"
    )
    assert results[f"{MODEL}.fail_pinned_other_in_config_repository"].message == (
        f"container[0].image (aws_ecr_repository.pinned_other) is in account {OTHER_ACCOUNT}, "
        f"not the seller account {SELLER}; {OWN_REGISTRY}"
    )
    assert results[f"{MODEL}.unknown_unpinned_in_config_repository"].message == (
        "container[0].image (aws_ecr_repository.unpinned) is in an unknown account: the account of "
        f"aws_ecr_repository.unpinned is not pinned by its provider; {SELLER_ACCOUNT_HINT}"
    )
    assert results[f"{MODEL}.fail_prebuilt_data_source"].message == (
        "container[0].image (data.aws_sagemaker_prebuilt_ecr_image.xgboost) is an AWS-owned SageMaker image, "
        f"never in the seller's account; {OWN_REGISTRY}"
    )
    assert results[f"{PIPELINE}.fail_training_step_other_account"].message == (
        f"step 'Train' (Training) AlgorithmSpecification.TrainingImage is in account {OTHER_ACCOUNT}, "
        f"not the seller account {SELLER}; {OWN_REGISTRY}"
    )


def test_without_a_seller_account():
    results = judge(
        RULE,
        stack(
            *repositories(),
            model("unknown_literal_image", OWN_IMAGE),
            model("unknown_pinned_in_config_repository", reference("aws_ecr_repository.pinned_seller.repository_url")),
            model(
                "fail_prebuilt_data_source", reference("data.aws_sagemaker_prebuilt_ecr_image.xgboost.registry_path")
            ),
            seller=None,
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{MODEL}.unknown_literal_image": Verdict.UNKNOWN,
        f"{MODEL}.unknown_pinned_in_config_repository": Verdict.UNKNOWN,
        f"{MODEL}.fail_prebuilt_data_source": Verdict.FAILED,
    }
    assert results[f"{MODEL}.unknown_literal_image"].message == (
        f"container[0].image is in account {SELLER}, and no seller account is set: {SELLER_ACCOUNT_HINT}"
    )


def example_verdicts(path):
    grouped = addresses_by_verdict(scan_path(str(path), Settings()), RULE)
    return {verdict: {strip_instance_keys(a) for a in addresses} for verdict, addresses in grouped.items()}


AWS5_EXPECTED = {
    "PASSED": {f"{MODEL}.pass_own_account"},
    "FAILED": {f"{MODEL}.fail_other_seller_account", f"{PIPELINE}.fail_training_image_other_seller_account"},
    "UNKNOWN": {f"{MODEL}.unknown_in_config_repository_unpinned"},
}


def test_example_aws5_directory_and_plan():
    directory = EXAMPLES / "rules" / RULE / "aws5"
    assert example_verdicts(directory) == AWS5_EXPECTED
    assert example_verdicts(directory / "plan.json") == AWS5_EXPECTED


def test_example_pinned_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "pinned") == {
        "PASSED": {f"{MODEL}.pass_pinned_in_config_repository"},
        "FAILED": {f"{MODEL}.fail_other_seller_account"},
        "UNKNOWN": {f"{MODEL}.unknown_unpinned_in_config_repository"},
    }


def test_an_unknown_repository_account_keeps_its_reason():
    """Issue 16 item 6: a repository whose pinned account is unknown was said to be 'not pinned'."""
    results = judge(
        RULE,
        stack(
            resource("aws_ecr_repository", "unknown_pin", {"name": "a"}, account=Unknown("var.account has no value")),
            resource(
                MODEL,
                "unknown_account",
                {"container": [{"image": reference("aws_ecr_repository.unknown_pin.repository_url")}]},
            ),
        ),
    )
    assert {a: (r.verdict, r.message) for a, r in results.items()} == {
        f"{MODEL}.unknown_account": (
            Verdict.UNKNOWN,
            "container[0].image (aws_ecr_repository.unknown_pin) is in an unknown account: var.account has no value",
        ),
    }
