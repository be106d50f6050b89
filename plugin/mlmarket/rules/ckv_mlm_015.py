"""CKV_MLM_015: instance types valid for their use (hosting, transform, training, processing)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlmarket import limits
from mlmarket.model import Finding, Resource, Stack, Unknown, as_str, blocks
from mlmarket.model.pipeline import PIPELINE_TYPE, PipelineStep, dig, pipeline_steps
from mlmarket.rules._numeric_limits import (
    ENDPOINT_CONFIGURATION_TYPE,
    PACKAGE_TYPES,
    string_list,
    validation_profiles,
    variants,
)
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed, unknown, worst

TRAINING_JOB_TYPE = "aws_sagemaker_training_job"
TUNING_JOB_TYPE = "aws_sagemaker_hyper_parameter_tuning_job"
_INSTANCE_TYPES_FILE = "instance_types.json"

# A package's supported-instance lists and the use each one declares.
_SUPPORTED_LISTS = (
    ("inference_specification", "supported_realtime_inference_instance_types", "hosting"),
    ("inference_specification", "supported_transform_instance_types", "transform"),
    ("training_specification", "supported_training_instance_types", "training"),
)
# Where each pipeline step type names its instance type, and for what use.
_STEP_INSTANCE_TYPES: dict[str, tuple[tuple[tuple[str, ...], limits.InstanceUse], ...]] = {
    "Training": ((("ResourceConfig", "InstanceType"), "training"),),
    "Tuning": ((("TrainingJobDefinition", "ResourceConfig", "InstanceType"), "training"),),
    "Transform": ((("TransformResources", "InstanceType"), "transform"),),
    "Processing": ((("ProcessingResources", "ClusterConfig", "InstanceType"), "processing"),),
}

# One instance type to judge: (where, "is" or "includes", value, use).
_Place = tuple[str, str, Any, limits.InstanceUse]


class CKV_MLM_015(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_015",
        title="Instance types are valid SageMaker instance types for their use",
        severity="HIGH",
        guide_section="Service restrictions and quotas for machine learning products: Instance size",
        risk=(
            "Each SageMaker use (real-time hosting, batch transform, training, processing) accepts its own "
            "set of instance types. A type outside that set, or a package that declares no supported type, "
            "fails validation at publish time or leaves buyers unable to deploy or train."
        ),
        remediation=(
            "Use an instance type that SageMaker offers for that use (`mlmarket limits` lists them), and list "
            "at least one in each supported-instance list:\n\n"
            '```hcl\nproduction_variants {\n  variant_name           = "primary"\n'
            "  model_name             = aws_sagemaker_model.this.name\n"
            '  instance_type          = "ml.m5.xlarge"\n  initial_instance_count = 1\n}\n```'
        ),
        resource_types=(
            ENDPOINT_CONFIGURATION_TYPE,
            *PACKAGE_TYPES,
            TRAINING_JOB_TYPE,
            TUNING_JOB_TYPE,
            PIPELINE_TYPE,
        ),
    )

    def evaluate(self, resource: Resource, stack: Stack) -> Finding | None:
        if resource.type == PIPELINE_TYPE:
            steps = pipeline_steps(resource)
            if isinstance(steps, Unknown):
                return unknown(f"the pipeline steps cannot be read: {steps.reason}")
            steps = [step for step in steps if step.type in _STEP_INSTANCE_TYPES]
            if not steps:
                return None
            places = [place for step in steps for place in _step_places(step)]
        elif resource.type == ENDPOINT_CONFIGURATION_TYPE:
            places = list(_variant_places(resource.attributes))
        elif resource.type in PACKAGE_TYPES:
            places = list(_package_places(resource.attributes))
        elif resource.type == TUNING_JOB_TYPE:
            places = list(_tuning_job_places(resource.attributes))
        else:
            places = list(_instance_type_places("", resource.attributes, "resource_config", "training"))
        return _judge(places)


def _judge(places: list[_Place | Finding]) -> Finding:
    as_of = limits.updated_at(_INSTANCE_TYPES_FILE)
    findings = [place if isinstance(place, Finding) else _judge_type(*place, as_of) for place in places]
    if not findings:
        return passed("no instance type to check")
    return worst(findings, f"every instance type is valid for its use (SageMaker instance types as of {as_of})")


def _judge_type(where: str, verb: str, value: Any, use: limits.InstanceUse, as_of: str) -> Finding:
    instance_type = as_str(value)
    if isinstance(instance_type, Unknown):
        return unknown(f"{where} cannot be checked against the {use} instance types: {instance_type.reason}")
    if instance_type is None or not limits.is_valid_instance_type(instance_type, use):
        return failed(
            f"{where} {verb} {instance_type!r}, not a valid {use} instance type "
            f"(SageMaker instance types as of {as_of})"
        )
    return passed(f"{where} {verb} {instance_type!r}, a valid {use} instance type")


def _variant_places(attributes: dict[str, Any]) -> Iterator[_Place | Finding]:
    for entry in variants(attributes):
        if isinstance(entry, Unknown):
            yield unknown(entry.reason)
            continue
        label, variant = entry
        # A variant without an instance type is serverless: CKV_MLM_009 judges it.
        if variant.get("instance_type") is not None:
            yield f"{label} instance_type", "is", variant.get("instance_type"), "hosting"


def _package_places(attributes: dict[str, Any]) -> Iterator[_Place | Finding]:
    for specification_name, list_name, use in _SUPPORTED_LISTS:
        specifications = blocks(attributes.get(specification_name))
        path = f"{specification_name}.{list_name}"
        if isinstance(specifications, Unknown):
            yield unknown(f"{specification_name} cannot be read before apply: {specifications.reason}")
            continue
        for specification in specifications:
            yield from _supported_list_places(path, specification.get(list_name), use)
    profiles = validation_profiles(attributes)
    if isinstance(profiles, Unknown):
        yield unknown(f"validation_specification cannot be read before apply: {profiles.reason}")
        return
    for label, profile in profiles:
        yield from _nested_places(
            f"{label} transform_job_definition",
            profile,
            ("transform_job_definition", "transform_resources"),
            "transform",
        )
        yield from _nested_places(
            f"{label} training_job_definition", profile, ("training_job_definition", "resource_config"), "training"
        )


def _supported_list_places(path: str, value: Any, use: limits.InstanceUse) -> Iterator[_Place | Finding]:
    listed = string_list(value)
    if listed is None:
        return
    if isinstance(listed, Unknown):
        yield unknown(f"{path} cannot be checked against the {use} instance types: {listed.reason}")
    elif not listed:
        yield failed(f"{path} is empty; list the {use} instance types the product supports")
    else:
        for item in listed:
            yield path, "includes", item, use


def _nested_places(
    where: str, holder: dict[str, Any], path: tuple[str, str], use: limits.InstanceUse
) -> Iterator[_Place | Finding]:
    """`holder.<outer>[*].<inner>[*].instance_type` (a validation job definition and its resources block)."""
    outer_name, inner_name = path
    outers = blocks(holder.get(outer_name))
    if isinstance(outers, Unknown):
        yield unknown(f"{where} cannot be read before apply: {outers.reason}")
        return
    for outer in outers:
        yield from _instance_type_places(f"{where}.", outer, inner_name, use)


def _instance_type_places(
    prefix: str, holder: dict[str, Any], block_name: str, use: limits.InstanceUse
) -> Iterator[_Place | Finding]:
    configs = blocks(holder.get(block_name))
    if isinstance(configs, Unknown):
        yield unknown(f"{prefix}{block_name} cannot be read before apply: {configs.reason}")
        return
    for config in configs:
        if config.get("instance_type") is not None:
            yield f"{prefix}{block_name}.instance_type", "is", config.get("instance_type"), use
        # A heterogeneous training cluster names its instance types per group instead.
        groups = config.get("instance_groups")
        yield from _group_places(f"{prefix}{block_name}.instance_groups", groups, "instance_type", use)


def _group_places(where: str, groups: Any, type_key: str, use: limits.InstanceUse) -> Iterator[_Place | Finding]:
    """The instance type of each instance group of a training cluster (`InstanceGroups`)."""
    found = blocks(groups)
    if isinstance(found, Unknown):
        yield unknown(f"{where} cannot be read: {found.reason}")
        return
    for index, group in enumerate(found):
        if group.get(type_key) is not None:
            yield f"{where}[{index}].{type_key}", "is", group.get(type_key), use


def _tuning_job_places(attributes: dict[str, Any]) -> Iterator[_Place | Finding]:
    for list_name in ("training_job_definition", "training_job_definitions"):
        definitions = blocks(attributes.get(list_name))
        if isinstance(definitions, Unknown):
            yield unknown(f"{list_name} cannot be read before apply: {definitions.reason}")
            continue
        for index, definition in enumerate(definitions):
            yield from _instance_type_places(f"{list_name}[{index}].", definition, "resource_config", "training")


def _step_places(step: PipelineStep) -> Iterator[_Place | Finding]:
    for path, use in _STEP_INSTANCE_TYPES[step.type]:
        value = dig(step.arguments, *path)
        if value is not None:
            yield f"{step.label} {'.'.join(path)}", "is", value, use
    if step.type == "Training":
        yield from _step_group_places(f"{step.label} ResourceConfig", dig(step.arguments, "ResourceConfig"))
    if step.type == "Tuning":
        single = dig(step.arguments, "TrainingJobDefinition", "ResourceConfig")
        yield from _step_group_places(f"{step.label} TrainingJobDefinition.ResourceConfig", single)
        definitions = step.arguments.get("TrainingJobDefinitions")
        if isinstance(definitions, Unknown):
            yield unknown(f"{step.label} TrainingJobDefinitions cannot be read: {definitions.reason}")
            return
        for index, definition in enumerate(definitions if isinstance(definitions, list) else []):
            where = f"{step.label} TrainingJobDefinitions[{index}].ResourceConfig"
            value = dig(definition, "ResourceConfig", "InstanceType")
            if value is not None:
                yield f"{where}.InstanceType", "is", value, "training"
            yield from _step_group_places(where, dig(definition, "ResourceConfig"))


def _step_group_places(where: str, resource_config: Any) -> Iterator[_Place | Finding]:
    if isinstance(resource_config, Unknown):
        return  # said once already, by the InstanceType the same Unknown blocks
    groups = dig(resource_config, "InstanceGroups")
    yield from _group_places(f"{where}.InstanceGroups", groups, "InstanceType", "training")
