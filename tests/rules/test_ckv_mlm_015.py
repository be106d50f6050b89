"""CKV_MLM_015: instance types valid for their use."""

from __future__ import annotations

import json

from mlmarket import limits
from mlmarket.model import Unknown, Verdict, strip_instance_keys
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, addresses_by_verdict, judge, resource, stack

RULE = "CKV_MLM_015"
ENDPOINT_CONFIG = "aws_sagemaker_endpoint_configuration"
CC_PACKAGE = "awscc_sagemaker_model_package"
ALGORITHM = "aws_sagemaker_algorithm"
CC_ALGORITHM = "awscc_sagemaker_algorithm"
TRAINING = "aws_sagemaker_training_job"
TUNING = "aws_sagemaker_hyper_parameter_tuning_job"
PIPELINE = "aws_sagemaker_pipeline"

VALID_EVERYWHERE = "ml.m5.xlarge"
HOSTING_ONLY = "ml.t2.medium"
TRAINING_ONLY = "ml.c5n.xlarge"
NONEXISTENT = "ml.m5.fake"
AS_OF = f"SageMaker instance types as of {limits.dataset_info()['instance_types.json']['updated_at']}"


def test_the_types_used_here_are_what_their_names_say():
    for use in limits.INSTANCE_USES:
        assert limits.is_valid_instance_type(VALID_EVERYWHERE, use)
        assert limits.is_valid_instance_type(HOSTING_ONLY, use) == (use == "hosting")
        assert limits.is_valid_instance_type(TRAINING_ONLY, use) == (use == "training")
        assert not limits.is_valid_instance_type(NONEXISTENT, use)


def variant(name="primary", **extra):
    return {"variant_name": name, "model_name": "m", "initial_instance_count": 1, **extra}


def endpoint(name, *variants, **extra):
    return resource(ENDPOINT_CONFIG, name, {"production_variants": list(variants), **extra})


def test_endpoint_configuration_variants_are_hosting():
    results = judge(
        RULE,
        stack(
            endpoint("pass_hosting_instance", variant(instance_type=VALID_EVERYWHERE)),
            endpoint("pass_hosting_only_instance", variant(instance_type=HOSTING_ONLY)),
            endpoint("fail_nonexistent_instance", variant(instance_type=NONEXISTENT)),
            endpoint("fail_training_only_instance", variant(instance_type=TRAINING_ONLY)),
            endpoint("pass_serverless_variant", variant(serverless_config=[{"max_concurrency": 1}])),
            endpoint(
                "fail_shadow_variant",
                variant(instance_type=VALID_EVERYWHERE),
                shadow_production_variants=[variant("shadow", instance_type=TRAINING_ONLY)],
            ),
            endpoint("unknown_instance_type", variant(instance_type=Unknown("var.instance_type has no value"))),
            resource(ENDPOINT_CONFIG, "unknown_variants", {"production_variants": Unknown("known only after apply")}),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{ENDPOINT_CONFIG}.pass_hosting_instance": Verdict.PASSED,
        f"{ENDPOINT_CONFIG}.pass_hosting_only_instance": Verdict.PASSED,
        f"{ENDPOINT_CONFIG}.fail_nonexistent_instance": Verdict.FAILED,
        f"{ENDPOINT_CONFIG}.fail_training_only_instance": Verdict.FAILED,
        f"{ENDPOINT_CONFIG}.pass_serverless_variant": Verdict.PASSED,
        f"{ENDPOINT_CONFIG}.fail_shadow_variant": Verdict.FAILED,
        f"{ENDPOINT_CONFIG}.unknown_instance_type": Verdict.UNKNOWN,
        f"{ENDPOINT_CONFIG}.unknown_variants": Verdict.UNKNOWN,
    }
    messages = {a.split(".", 1)[1]: r.message for a, r in results.items()}
    assert messages["fail_nonexistent_instance"] == (
        f"production_variants[0] (variant 'primary') instance_type is 'ml.m5.fake', not a valid hosting instance "
        f"type ({AS_OF})"
    )
    assert messages["fail_shadow_variant"] == (
        f"shadow_production_variants[0] (variant 'shadow') instance_type is 'ml.c5n.xlarge', not a valid hosting "
        f"instance type ({AS_OF})"
    )
    assert messages["unknown_instance_type"] == (
        "production_variants[0] (variant 'primary') instance_type cannot be checked against the hosting instance "
        "types: var.instance_type has no value"
    )
    assert messages["unknown_variants"] == "production_variants cannot be read before apply: known only after apply"
    assert messages["pass_serverless_variant"] == "no instance type to check"
    assert messages["pass_hosting_instance"] == f"every instance type is valid for its use ({AS_OF})"


def cc_package(
    name,
    resource_type=CC_PACKAGE,
    *,
    realtime=(VALID_EVERYWHERE,),
    transform=(VALID_EVERYWHERE,),
    profiles=None,
    **extra,
):
    """An awscc package (object attributes); a tuple becomes a list, anything else is passed as it is."""
    specification = {"containers": [{"image": "img"}]}
    for key, value in (
        ("supported_realtime_inference_instance_types", realtime),
        ("supported_transform_instance_types", transform),
    ):
        if value is not None:
            specification[key] = list(value) if isinstance(value, tuple) else value
    attributes = {"inference_specification": specification, **extra}
    if profiles is not None:
        attributes["validation_specification"] = {"validation_profiles": profiles}
    return resource(resource_type, name, attributes)


def test_package_and_algorithm_supported_lists_and_validation_jobs():
    results = judge(
        RULE,
        stack(
            cc_package(
                "pass_valid_lists",
                profiles=[
                    {
                        "profile_name": "p1",
                        "transform_job_definition": {"transform_resources": {"instance_type": VALID_EVERYWHERE}},
                    }
                ],
            ),
            cc_package("fail_nonexistent_realtime_type", realtime=(VALID_EVERYWHERE, NONEXISTENT)),
            cc_package("fail_hosting_only_transform_type", transform=(HOSTING_ONLY,)),
            cc_package("fail_empty_realtime_list", realtime=()),
            cc_package("fail_empty_transform_list", transform=()),
            cc_package("pass_realtime_list_absent", realtime=None),
            # hcl2 hands back a one-element list inside an object as the bare string.
            cc_package("pass_single_type_as_scalar", transform=VALID_EVERYWHERE),
            cc_package("fail_single_type_as_scalar", transform=HOSTING_ONLY),
            cc_package("unknown_transform_list", transform=Unknown("known only after apply")),
            cc_package("unknown_transform_list_item", transform=(Unknown("var.type has no value"),)),
            cc_package(
                "fail_validation_transform_instance",
                profiles=[
                    {
                        "profile_name": "batch",
                        "transform_job_definition": {"transform_resources": {"instance_type": HOSTING_ONLY}},
                    }
                ],
            ),
            cc_package(
                "fail_validation_training_instance",
                CC_ALGORITHM,
                training_specification={"supported_training_instance_types": [VALID_EVERYWHERE]},
                profiles=[
                    {
                        "profile_name": "train",
                        "training_job_definition": {"resource_config": {"instance_type": HOSTING_ONLY}},
                    }
                ],
            ),
            cc_package("unknown_validation_specification", profiles=Unknown("known only after apply")),
            resource(CC_PACKAGE, "pass_nothing_to_check", {}),
            resource(
                ALGORITHM,
                "fail_hosting_only_training_type",
                {
                    "training_specification": [{"supported_training_instance_types": [VALID_EVERYWHERE, HOSTING_ONLY]}],
                },
            ),
            resource(
                ALGORITHM,
                "fail_empty_training_list",
                {
                    "training_specification": [{"supported_training_instance_types": []}],
                },
            ),
            resource(
                ALGORITHM,
                "pass_training_only_type",
                {
                    "training_specification": [{"supported_training_instance_types": [TRAINING_ONLY]}],
                    "validation_specification": [
                        {
                            "validation_profiles": [
                                {
                                    "profile_name": "p1",
                                    "training_job_definition": [
                                        {"resource_config": [{"instance_type": TRAINING_ONLY}]}
                                    ],
                                    "transform_job_definition": [
                                        {"transform_resources": [{"instance_type": VALID_EVERYWHERE}]}
                                    ],
                                }
                            ]
                        }
                    ],
                },
            ),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{CC_PACKAGE}.pass_valid_lists": Verdict.PASSED,
        f"{CC_PACKAGE}.fail_nonexistent_realtime_type": Verdict.FAILED,
        f"{CC_PACKAGE}.fail_hosting_only_transform_type": Verdict.FAILED,
        f"{CC_PACKAGE}.fail_empty_realtime_list": Verdict.FAILED,
        f"{CC_PACKAGE}.fail_empty_transform_list": Verdict.FAILED,
        f"{CC_PACKAGE}.pass_realtime_list_absent": Verdict.PASSED,
        f"{CC_PACKAGE}.pass_single_type_as_scalar": Verdict.PASSED,
        f"{CC_PACKAGE}.fail_single_type_as_scalar": Verdict.FAILED,
        f"{CC_PACKAGE}.unknown_transform_list": Verdict.UNKNOWN,
        f"{CC_PACKAGE}.unknown_transform_list_item": Verdict.UNKNOWN,
        f"{CC_PACKAGE}.fail_validation_transform_instance": Verdict.FAILED,
        f"{CC_ALGORITHM}.fail_validation_training_instance": Verdict.FAILED,
        f"{CC_PACKAGE}.unknown_validation_specification": Verdict.UNKNOWN,
        f"{CC_PACKAGE}.pass_nothing_to_check": Verdict.PASSED,
        f"{ALGORITHM}.fail_hosting_only_training_type": Verdict.FAILED,
        f"{ALGORITHM}.fail_empty_training_list": Verdict.FAILED,
        f"{ALGORITHM}.pass_training_only_type": Verdict.PASSED,
    }
    messages = {a.split(".", 1)[1]: r.message for a, r in results.items()}
    assert messages["fail_nonexistent_realtime_type"] == (
        f"inference_specification.supported_realtime_inference_instance_types includes 'ml.m5.fake', "
        f"not a valid hosting instance type ({AS_OF})"
    )
    assert messages["fail_empty_transform_list"] == (
        "inference_specification.supported_transform_instance_types is empty; "
        "list the transform instance types the product supports"
    )
    assert messages["fail_single_type_as_scalar"] == (
        f"inference_specification.supported_transform_instance_types includes 'ml.t2.medium', "
        f"not a valid transform instance type ({AS_OF})"
    )
    assert messages["unknown_transform_list"] == (
        "inference_specification.supported_transform_instance_types cannot be checked against the transform "
        "instance types: known only after apply"
    )
    assert messages["unknown_transform_list_item"] == (
        "inference_specification.supported_transform_instance_types cannot be checked against the transform "
        "instance types: var.type has no value"
    )
    assert messages["fail_validation_transform_instance"] == (
        f"validation profile 'batch' transform_job_definition.transform_resources.instance_type is "
        f"'ml.t2.medium', not a valid transform instance type ({AS_OF})"
    )
    assert messages["fail_validation_training_instance"] == (
        f"validation profile 'train' training_job_definition.resource_config.instance_type is "
        f"'ml.t2.medium', not a valid training instance type ({AS_OF})"
    )
    assert messages["fail_empty_training_list"] == (
        "training_specification.supported_training_instance_types is empty; "
        "list the training instance types the product supports"
    )
    assert messages["pass_nothing_to_check"] == "no instance type to check"


def test_training_and_tuning_jobs_are_training():
    def definition(instance_type):
        return {"resource_config": [{"instance_type": instance_type, "instance_count": 1}]}

    results = judge(
        RULE,
        stack(
            resource(TRAINING, "pass_training_instance", definition(TRAINING_ONLY)),
            resource(TRAINING, "fail_hosting_only_instance", definition(HOSTING_ONLY)),
            resource(TRAINING, "unknown_instance", definition(Unknown("known only after apply"))),
            resource(TRAINING, "pass_no_resource_config", {}),
            resource(TUNING, "pass_definition", {"training_job_definition": [definition(VALID_EVERYWHERE)]}),
            resource(
                TUNING,
                "fail_second_definition",
                {"training_job_definitions": [definition(VALID_EVERYWHERE), definition(NONEXISTENT)]},
            ),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{TRAINING}.pass_training_instance": Verdict.PASSED,
        f"{TRAINING}.fail_hosting_only_instance": Verdict.FAILED,
        f"{TRAINING}.unknown_instance": Verdict.UNKNOWN,
        f"{TRAINING}.pass_no_resource_config": Verdict.PASSED,
        f"{TUNING}.pass_definition": Verdict.PASSED,
        f"{TUNING}.fail_second_definition": Verdict.FAILED,
    }
    assert results[f"{TRAINING}.fail_hosting_only_instance"].message == (
        f"resource_config.instance_type is 'ml.t2.medium', not a valid training instance type ({AS_OF})"
    )
    assert results[f"{TUNING}.fail_second_definition"].message == (
        f"training_job_definitions[1].resource_config.instance_type is 'ml.m5.fake', "
        f"not a valid training instance type ({AS_OF})"
    )
    assert results[f"{TRAINING}.unknown_instance"].message == (
        "resource_config.instance_type cannot be checked against the training instance types: known only after apply"
    )


def test_each_instance_group_of_a_heterogeneous_training_cluster():
    def groups(*instance_types):
        return {
            "resource_config": [
                {
                    "instance_groups": [
                        {"instance_group_name": f"group{i}", "instance_type": t, "instance_count": 1}
                        for i, t in enumerate(instance_types)
                    ]
                }
            ]
        }

    results = judge(
        RULE,
        stack(
            resource(TRAINING, "pass_both_groups", groups(VALID_EVERYWHERE, TRAINING_ONLY)),
            resource(TRAINING, "fail_second_group", groups(TRAINING_ONLY, HOSTING_ONLY)),
            resource(TRAINING, "unknown_groups", {"resource_config": [{"instance_groups": Unknown("after apply")}]}),
            resource(
                TUNING,
                "fail_tuning_definition_group",
                {"training_job_definitions": [groups(VALID_EVERYWHERE), groups(NONEXISTENT)]},
            ),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{TRAINING}.pass_both_groups": Verdict.PASSED,
        f"{TRAINING}.fail_second_group": Verdict.FAILED,
        f"{TRAINING}.unknown_groups": Verdict.UNKNOWN,
        f"{TUNING}.fail_tuning_definition_group": Verdict.FAILED,
    }
    assert results[f"{TRAINING}.fail_second_group"].message == (
        f"resource_config.instance_groups[1].instance_type is 'ml.t2.medium', "
        f"not a valid training instance type ({AS_OF})"
    )
    unknown_message = results[f"{TRAINING}.unknown_groups"].message
    assert unknown_message == "resource_config.instance_groups cannot be read: after apply"
    assert results[f"{TUNING}.fail_tuning_definition_group"].message == (
        f"training_job_definitions[1].resource_config.instance_groups[0].instance_type is 'ml.m5.fake', "
        f"not a valid training instance type ({AS_OF})"
    )


def test_each_instance_group_of_a_pipeline_training_or_tuning_step():
    def grouped(*instance_types):
        return {
            "InstanceGroups": [
                {"InstanceGroupName": f"g{i}", "InstanceType": t, "InstanceCount": 1}
                for i, t in enumerate(instance_types)
            ]
        }

    results = judge(
        RULE,
        stack(
            pipeline("pass_training_groups", step("Training", ResourceConfig=grouped(TRAINING_ONLY, VALID_EVERYWHERE))),
            pipeline("fail_training_group", step("Training", ResourceConfig=grouped(VALID_EVERYWHERE, HOSTING_ONLY))),
            pipeline(
                "fail_tuning_group",
                step("Tuning", TrainingJobDefinition={"ResourceConfig": grouped(NONEXISTENT)}),
            ),
            pipeline(
                "fail_tuning_definitions_group",
                step("Tuning", TrainingJobDefinitions=[{"ResourceConfig": grouped(VALID_EVERYWHERE, HOSTING_ONLY)}]),
            ),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{PIPELINE}.pass_training_groups": Verdict.PASSED,
        f"{PIPELINE}.fail_training_group": Verdict.FAILED,
        f"{PIPELINE}.fail_tuning_group": Verdict.FAILED,
        f"{PIPELINE}.fail_tuning_definitions_group": Verdict.FAILED,
    }
    messages = {a.split(".", 1)[1]: r.message for a, r in results.items()}
    assert messages["fail_training_group"] == (
        f"step 'Training' (Training) ResourceConfig.InstanceGroups[1].InstanceType is 'ml.t2.medium', "
        f"not a valid training instance type ({AS_OF})"
    )
    assert messages["fail_tuning_group"] == (
        f"step 'Tuning' (Tuning) TrainingJobDefinition.ResourceConfig.InstanceGroups[0].InstanceType is "
        f"'ml.m5.fake', not a valid training instance type ({AS_OF})"
    )
    assert messages["fail_tuning_definitions_group"] == (
        f"step 'Tuning' (Tuning) TrainingJobDefinitions[0].ResourceConfig.InstanceGroups[1].InstanceType is "
        f"'ml.t2.medium', not a valid training instance type ({AS_OF})"
    )


def pipeline(name, *steps):
    return resource(
        PIPELINE, name, {"pipeline_definition": json.dumps({"Version": "2020-12-01", "Steps": list(steps)})}
    )


def step(step_type, name=None, **arguments):
    return {"Name": name or step_type, "Type": step_type, "Arguments": arguments}


def test_pipeline_steps_each_against_their_own_use():
    def resources(instance_type):
        return {"InstanceType": instance_type, "InstanceCount": 1}

    results = judge(
        RULE,
        stack(
            pipeline("pass_training", step("Training", ResourceConfig=resources(TRAINING_ONLY))),
            pipeline("fail_training_hosting_only", step("Training", ResourceConfig=resources(HOSTING_ONLY))),
            pipeline(
                "fail_tuning_definition",
                step("Tuning", TrainingJobDefinition={"ResourceConfig": resources(NONEXISTENT)}),
            ),
            pipeline(
                "fail_tuning_definitions",
                step(
                    "Tuning",
                    TrainingJobDefinitions=[
                        {"ResourceConfig": resources(VALID_EVERYWHERE)},
                        {"ResourceConfig": resources(HOSTING_ONLY)},
                    ],
                ),
            ),
            pipeline("pass_transform", step("Transform", TransformResources=resources(VALID_EVERYWHERE))),
            pipeline("fail_transform_training_only", step("Transform", TransformResources=resources(TRAINING_ONLY))),
            pipeline(
                "pass_processing",
                step(
                    "Processing",
                    ProcessingResources={"ClusterConfig": {**resources(VALID_EVERYWHERE), "VolumeSizeInGB": 30}},
                ),
            ),
            pipeline(
                "fail_processing_hosting_only",
                step("Processing", ProcessingResources={"ClusterConfig": resources(HOSTING_ONLY)}),
            ),
            pipeline(
                "unknown_instance_parameter",
                step("Training", ResourceConfig=resources({"Get": "Parameters.TrainingInstanceType"})),
            ),
            pipeline(
                "fail_one_of_two_steps",
                step("Training", ResourceConfig=resources(VALID_EVERYWHERE)),
                step("Transform", TransformResources=resources(HOSTING_ONLY)),
            ),
            pipeline("no_step_with_an_instance", step("RegisterModel"), step("Fail")),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{PIPELINE}.pass_training": Verdict.PASSED,
        f"{PIPELINE}.fail_training_hosting_only": Verdict.FAILED,
        f"{PIPELINE}.fail_tuning_definition": Verdict.FAILED,
        f"{PIPELINE}.fail_tuning_definitions": Verdict.FAILED,
        f"{PIPELINE}.pass_transform": Verdict.PASSED,
        f"{PIPELINE}.fail_transform_training_only": Verdict.FAILED,
        f"{PIPELINE}.pass_processing": Verdict.PASSED,
        f"{PIPELINE}.fail_processing_hosting_only": Verdict.FAILED,
        f"{PIPELINE}.unknown_instance_parameter": Verdict.UNKNOWN,
        f"{PIPELINE}.fail_one_of_two_steps": Verdict.FAILED,
    }
    messages = {a.split(".", 1)[1]: r.message for a, r in results.items()}
    assert messages["fail_tuning_definition"] == (
        f"step 'Tuning' (Tuning) TrainingJobDefinition.ResourceConfig.InstanceType is 'ml.m5.fake', "
        f"not a valid training instance type ({AS_OF})"
    )
    assert messages["fail_tuning_definitions"] == (
        f"step 'Tuning' (Tuning) TrainingJobDefinitions[1].ResourceConfig.InstanceType is 'ml.t2.medium', "
        f"not a valid training instance type ({AS_OF})"
    )
    assert messages["fail_processing_hosting_only"] == (
        f"step 'Processing' (Processing) ProcessingResources.ClusterConfig.InstanceType is 'ml.t2.medium', "
        f"not a valid processing instance type ({AS_OF})"
    )
    assert messages["fail_one_of_two_steps"] == (
        f"step 'Transform' (Transform) TransformResources.InstanceType is 'ml.t2.medium', "
        f"not a valid transform instance type ({AS_OF})"
    )
    assert messages["unknown_instance_parameter"] == (
        "step 'Training' (Training) ResourceConfig.InstanceType cannot be checked against the training instance "
        "types: pipeline expression {Get: 'Parameters.TrainingInstanceType'} is resolved only when the pipeline runs"
    )


def example_verdicts(path):
    grouped = addresses_by_verdict(scan_path(str(path), Settings()), RULE)
    return {verdict: {strip_instance_keys(a) for a in addresses} for verdict, addresses in grouped.items()}


AWS5_EXPECTED = {
    "PASSED": {
        f"{ENDPOINT_CONFIG}.pass_hosting_instance",
        f"{PIPELINE}.pass_training_instance",
        f"{PIPELINE}.pass_training_instance_groups",
        f"{PIPELINE}.pass_processing_instance",
        f"{PIPELINE}.pass_transform_instance",
    },
    "FAILED": {
        f"{PIPELINE}.fail_training_hosting_only_instance",
        f"{PIPELINE}.fail_training_group_hosting_only_instance",
        f"{PIPELINE}.fail_tuning_unknown_instance",
        f"{PIPELINE}.fail_processing_unknown_instance",
        f"{PIPELINE}.fail_transform_training_only_instance",
    },
}


def test_example_aws5_directory_and_plan():
    directory = EXAMPLES / "rules" / RULE / "aws5"
    assert example_verdicts(directory) == AWS5_EXPECTED
    assert example_verdicts(directory / "plan.json") == AWS5_EXPECTED
    for source in (directory, directory / "plan.json"):
        messages = {r.address: r.message for r in scan_path(str(source), Settings()) if r.rule_id == RULE}
        assert messages[f"{PIPELINE}.fail_training_group_hosting_only_instance"] == (
            "step 'TrainHeterogeneous' (Training) ResourceConfig.InstanceGroups[1].InstanceType is 'ml.t2.medium', "
            f"not a valid training instance type ({AS_OF})"
        )


def test_example_aws5_hcl_only_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "aws5_hcl_only") == {
        "PASSED": {f"{ENDPOINT_CONFIG}.pass_hosting_instance"},
        "FAILED": {f"{ENDPOINT_CONFIG}.fail_unknown_instance", f"{ENDPOINT_CONFIG}.fail_training_only_instance"},
    }


def test_example_aws6_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "aws6") == {
        "PASSED": {f"{ALGORITHM}.pass_supported_training_types", f"{TRAINING}.pass_training_instance"},
        "FAILED": {
            f"{ALGORITHM}.fail_unknown_training_type",
            f"{ALGORITHM}.fail_hosting_only_training_type",
            f"{ALGORITHM}.fail_empty_training_types",
            f"{TRAINING}.fail_hosting_only_instance",
        },
    }


def test_example_awscc_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "awscc") == {
        "PASSED": {f"{CC_PACKAGE}.pass_supported_instance_types", f"{CC_PACKAGE}.pass_transform_only"},
        "FAILED": {
            f"{CC_PACKAGE}.fail_unknown_realtime_type",
            f"{CC_PACKAGE}.fail_hosting_only_transform_type",
            f"{CC_PACKAGE}.fail_empty_realtime_types",
            f"{CC_PACKAGE}.fail_empty_transform_types",
        },
    }
