"""CKV_MLM_001: containers run network-isolated."""

from __future__ import annotations

from typing import Any

from mlmarket.model import Finding, Resource, Stack, Unknown, as_bool, blocks
from mlmarket.model.pipeline import PIPELINE_TYPE, dig, pipeline_steps
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed, unknown, worst

_MODEL_TYPES = ("aws_sagemaker_model", "awscc_sagemaker_model")
_TRAINING_JOB = "aws_sagemaker_training_job"
_TUNING_JOB = "aws_sagemaker_hyper_parameter_tuning_job"
_TUNING_DEFINITION_LISTS = ("training_job_definition", "training_job_definitions")
_REQUIREMENT = "Marketplace runs ML products network-isolated"


class CKV_MLM_001(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_001",
        title="SageMaker containers run with network isolation enabled",
        severity="HIGH",
        guide_section="Service restrictions and quotas for machine learning products: Network isolation",
        risk=(
            "Marketplace runs the training and inference containers of an ML product without network "
            "access. A container built and tested with network access (downloading weights or packages, "
            "calling an API) passes in the seller's account and then fails the publish-time validation "
            "or breaks on the buyer's endpoint."
        ),
        remediation=(
            "Enable network isolation and make sure the container needs no network at run time:\n\n"
            '```hcl\nresource "aws_sagemaker_model" "this" {\n'
            '  name                     = "my-model"\n'
            "  execution_role_arn       = aws_iam_role.sagemaker.arn\n"
            "  enable_network_isolation = true\n\n"
            "  primary_container {\n"
            '    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"\n'
            "  }\n}\n```\n\n"
            "In a pipeline definition, set `EnableNetworkIsolation = true` in the arguments of every "
            "Training and Model step, and in each training job definition of a Tuning step."
        ),
        resource_types=(*_MODEL_TYPES, _TRAINING_JOB, _TUNING_JOB, PIPELINE_TYPE),
    )

    def evaluate(self, resource: Resource, stack: Stack) -> Finding | None:
        if resource.type == PIPELINE_TYPE:
            return _judge_pipeline(resource)
        if resource.type == _TUNING_JOB:
            return _judge_tuning_job(resource)
        return _judge_setting(resource.get("enable_network_isolation"), "enable_network_isolation")


def _judge_setting(value: Any, where: str) -> Finding:
    setting = as_bool(value)
    if isinstance(setting, Unknown):
        return unknown(f"{where} cannot be resolved: {setting.reason}")
    if setting is None:
        return failed(f"{where} is not set (SageMaker defaults to false); {_REQUIREMENT}")
    if not setting:
        return failed(f"{where} is false; {_REQUIREMENT}")
    return passed(f"{where} is true")


def _judge_tuning_job(resource: Resource) -> Finding | None:
    findings: list[Finding] = []
    for list_name in _TUNING_DEFINITION_LISTS:
        definitions = blocks(resource.get(list_name))
        if isinstance(definitions, Unknown):
            findings.append(unknown(f"{list_name} cannot be resolved: {definitions.reason}"))
            continue
        for index, definition in enumerate(definitions):
            where = f"{list_name}[{index}].enable_network_isolation"
            findings.append(_judge_setting(definition.get("enable_network_isolation"), where))
    if not findings:
        return None
    return worst(findings, "every training job definition enables network isolation")


def _judge_pipeline(resource: Resource) -> Finding | None:
    steps = pipeline_steps(resource)
    if isinstance(steps, Unknown):
        return unknown(f"the pipeline steps cannot be read: {steps.reason}")
    findings: list[Finding] = []
    for step in steps:
        args = step.arguments
        if step.type in ("Training", "Model"):
            findings.append(_judge_setting(args.get("EnableNetworkIsolation"), f"{step.label} EnableNetworkIsolation"))
        elif step.type == "Tuning":
            findings.extend(_judge_tuning_step(args, step.label))
    if not findings:
        return None
    return worst(findings, "every Training, Model and Tuning step enables network isolation")


def _judge_tuning_step(args: dict[str, Any], label: str) -> list[Finding]:
    findings: list[Finding] = []
    single = args.get("TrainingJobDefinition")
    if single is not None:
        where = f"{label} TrainingJobDefinition.EnableNetworkIsolation"
        findings.append(_judge_setting(dig(single, "EnableNetworkIsolation"), where))
    definitions = blocks(args.get("TrainingJobDefinitions"))
    if isinstance(definitions, Unknown):
        findings.append(unknown(f"{label} TrainingJobDefinitions cannot be resolved: {definitions.reason}"))
        return findings
    for index, definition in enumerate(definitions):
        where = f"{label} TrainingJobDefinitions[{index}].EnableNetworkIsolation"
        findings.append(_judge_setting(definition.get("EnableNetworkIsolation"), where))
    return findings
