"""Rule messages in a request's own words: attribute paths become the API field paths of the operation."""

from __future__ import annotations

import pytest

from mlmarket.readers.api_request import ApiWording


@pytest.mark.parametrize(
    ("operation", "message", "expected"),
    [
        # A Terraform block list of one is the object itself in the API: its [0] goes.
        ("CreateModel", "primary_container[0].image is set", "PrimaryContainer.Image is set"),
        # A renamed top-level field, and a list whose index stays.
        ("CreateModel", "container[1].image is set", "Containers[1].Image is set"),
        # The mapping's top-level renames (`name` <- `HyperParameterTuningJobName`) never reach nested fields.
        (
            "CreateHyperParameterTuningJob",
            "training_job_definition[0].algorithm_specification[0].metric_definitions[1].name is set",
            "TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions[1].Name is set",
        ),
        # A path through a list of one that the rule names without an index gets [0].
        (
            "CreateModelPackage",
            "inference_specification.containers.model_data_url is in us-west-2",
            "InferenceSpecification.Containers[0].ModelDataUrl is in us-west-2",
        ),
        # Several paths, separated by words, each translated on its own.
        (
            "CreateModelPackage",
            "validation profile 'p' transform_job_definition max_concurrent_transforms x max_payload_in_mb is 200",
            "validation profile 'p' TransformJobDefinition MaxConcurrentTransforms x MaxPayloadInMB is 200",
        ),
        # Quoted values, prose words and names that are not fields of the request stay as they are.
        ("CreateModel", "image 'model_data_url' is set", "image 'model_data_url' is set"),
        ("CreateModel", "set allowed_account_ids on the aws provider", "set allowed_account_ids on the aws provider"),
        ("CreateEndpointConfig", "instance_type is 'ml.m5.xlarge'", "InstanceType is 'ml.m5.xlarge'"),
        ("CreateModel", "the seller's own image", "the seller's own image"),
        ("CreateModelPackage", 'skip_model_validation is "All"', 'SkipModelValidation is "All"'),
    ],
)
def test_attribute_paths_become_api_field_paths(operation, message, expected):
    assert ApiWording(operation, "name").say(message) == expected


def test_a_transform_job_is_not_called_a_pipeline_step():
    wording = ApiWording("CreateTransformJob", "nightly")
    assert wording.say("step 'nightly' (Transform) MaxPayloadInMB is 200, over the 100 MB batch limit") == (
        "MaxPayloadInMB is 200, over the 100 MB batch limit"
    )
    assert wording.say("every Transform step stays within the 100 MB batch limit") == (
        "the transform job stays within the 100 MB batch limit"
    )
