"""Where each resource type keeps its container images (the images rules 002, 003, 004 and 013 judge)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlmarket.model import Resource, Unknown, blocks
from mlmarket.model.pipeline import PIPELINE_TYPE, dig, pipeline_steps


@dataclass(frozen=True)
class ImageField:
    path: str  # where the image is written, for messages: `primary_container[0].image`
    value: Any  # a string, or an Unknown
    repository_access_mode: Any = None  # image_config.repository_access_mode, where the resource has one


MODEL_TYPES = ("aws_sagemaker_model", "awscc_sagemaker_model")
PACKAGE_TYPES = ("awscc_sagemaker_model_package", "aws_sagemaker_algorithm", "awscc_sagemaker_algorithm")
TRAINING_TYPES = ("aws_sagemaker_training_job", "aws_sagemaker_hyper_parameter_tuning_job")
IMAGE_RESOURCE_TYPES = (*MODEL_TYPES, *PACKAGE_TYPES, *TRAINING_TYPES, PIPELINE_TYPE)


def image_fields(resource: Resource) -> list[ImageField] | Unknown:
    """Every image a resource names, with where it is written; computed once per resource."""
    return resource.derive("image_fields", _image_fields)


def _image_fields(resource: Resource) -> list[ImageField] | Unknown:
    if resource.type in MODEL_TYPES:
        return _model_images(resource.attributes, "")
    if resource.type in PACKAGE_TYPES:
        return _package_images(resource.attributes)
    if resource.type == "aws_sagemaker_training_job":
        return _training_images(resource.attributes, "")
    if resource.type == "aws_sagemaker_hyper_parameter_tuning_job":
        return _tuning_images(resource.attributes)
    if resource.type == PIPELINE_TYPE:
        return _pipeline_images(resource)
    return []


def _each(value: Any, path: str) -> list[tuple[str, dict[str, Any]]] | Unknown:
    found = blocks(value)
    if isinstance(found, Unknown):
        return found
    return [(f"{path}[{index}]", block) for index, block in enumerate(found)]


def _model_images(attributes: dict[str, Any], prefix: str) -> list[ImageField] | Unknown:
    fields: list[ImageField] = []
    for list_name in ("primary_container", "container", "containers"):
        containers = _each(attributes.get(list_name), prefix + list_name)
        if isinstance(containers, Unknown):
            fields.append(ImageField(prefix + list_name, containers))
            continue
        for path, container in containers:
            if container.get("image") is None and container.get("model_package_name") is not None:
                continue  # a container from a model package has no image of its own here
            access_mode = None
            config = blocks(container.get("image_config"))
            if isinstance(config, Unknown):
                access_mode = config
            elif config:
                access_mode = config[0].get("repository_access_mode")
            fields.append(ImageField(f"{path}.image", container.get("image"), access_mode))
    return fields


def _package_images(attributes: dict[str, Any]) -> list[ImageField] | Unknown:
    fields: list[ImageField] = []
    specs = _each(attributes.get("inference_specification"), "inference_specification")
    if isinstance(specs, Unknown):
        fields.append(ImageField("inference_specification", specs))
        specs = []
    for path, spec in specs:
        containers = _each(spec.get("containers"), f"{path}.containers")
        if isinstance(containers, Unknown):
            fields.append(ImageField(f"{path}.containers", containers))
            continue
        fields.extend(ImageField(f"{p}.image", c.get("image")) for p, c in containers)
    training = _each(attributes.get("training_specification"), "training_specification")
    if isinstance(training, Unknown):
        return [*fields, ImageField("training_specification", training)]
    for path, spec in training:
        if "training_image" in spec:
            fields.append(ImageField(f"{path}.training_image", spec.get("training_image")))
    return fields


def _training_images(attributes: dict[str, Any], prefix: str) -> list[ImageField] | Unknown:
    specs = _each(attributes.get("algorithm_specification"), prefix + "algorithm_specification")
    if isinstance(specs, Unknown):
        return [ImageField(prefix + "algorithm_specification", specs)]
    return [
        ImageField(f"{path}.training_image", spec.get("training_image"))
        for path, spec in specs
        if spec.get("training_image") is not None
    ]


def _tuning_images(attributes: dict[str, Any]) -> list[ImageField] | Unknown:
    fields: list[ImageField] = []
    for list_name in ("training_job_definition", "training_job_definitions"):
        definitions = _each(attributes.get(list_name), list_name)
        if isinstance(definitions, Unknown):
            fields.append(ImageField(list_name, definitions))
            continue
        for path, definition in definitions:
            fields.extend(_training_images(definition, f"{path}."))
    return fields


def _pipeline_images(resource: Resource) -> list[ImageField] | Unknown:
    steps = pipeline_steps(resource)
    if isinstance(steps, Unknown):
        return steps
    fields: list[ImageField] = []
    for step in steps:
        args = step.arguments
        where = step.label
        if step.type == "Training":
            fields.append(ImageField(f"{where} AlgorithmSpecification.TrainingImage",
                                     dig(args, "AlgorithmSpecification", "TrainingImage")))
        elif step.type == "Tuning":
            for key in ("TrainingJobDefinition",):
                image = dig(args, key, "AlgorithmSpecification", "TrainingImage")
                if image is not None:
                    fields.append(ImageField(f"{where} {key}.AlgorithmSpecification.TrainingImage", image))
            definitions = args.get("TrainingJobDefinitions")
            if isinstance(definitions, Unknown):
                fields.append(ImageField(f"{where} TrainingJobDefinitions", definitions))
            for index, definition in enumerate(definitions if isinstance(definitions, list) else []):
                image = dig(definition, "AlgorithmSpecification", "TrainingImage")
                if image is not None:
                    fields.append(ImageField(
                        f"{where} TrainingJobDefinitions[{index}].AlgorithmSpecification.TrainingImage", image))
        elif step.type == "Processing":
            fields.append(ImageField(f"{where} AppSpecification.ImageUri", dig(args, "AppSpecification", "ImageUri")))
        elif step.type == "Model":
            fields.extend(_pipeline_containers(args, f"{where} ", ("PrimaryContainer",), "Containers"))
        elif step.type == "RegisterModel":
            spec = args.get("InferenceSpecification")
            fields.extend(_pipeline_containers(spec, f"{where} InferenceSpecification.", (), "Containers"))
    return [f for f in fields if f.value is not None]


def _pipeline_containers(args: Any, where: str, singles: tuple[str, ...], many: str) -> list[ImageField]:
    fields: list[ImageField] = []
    if isinstance(args, Unknown):
        return [ImageField(f"{where}{many}", args)]
    if not isinstance(args, dict):
        return fields
    for key in singles:
        container = args.get(key)
        if isinstance(container, Unknown):
            fields.append(ImageField(f"{where}{key}", container))
        elif isinstance(container, dict) and container.get("Image") is not None:
            fields.append(ImageField(f"{where}{key}.Image", container["Image"],
                                     dig(container, "ImageConfig", "RepositoryAccessMode")))
    containers = args.get(many)
    if isinstance(containers, Unknown):
        return [*fields, ImageField(f"{where}{many}", containers)]
    for index, container in enumerate(containers if isinstance(containers, list) else []):
        if isinstance(container, Unknown):
            fields.append(ImageField(f"{where}{many}[{index}]", container))
        elif isinstance(container, dict) and container.get("Image") is not None:
            fields.append(ImageField(f"{where}{many}[{index}].Image", container["Image"],
                                     dig(container, "ImageConfig", "RepositoryAccessMode")))
    return fields
