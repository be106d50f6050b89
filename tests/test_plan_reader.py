"""The plan reader on real `terraform show -json` plans: regions through provider_config_key (aliases and
modules), unknown versus absent, references kept on unknowns, and pinned accounts."""

from __future__ import annotations

import json

from mlmarket.model import Unknown
from mlmarket.readers.plan_json import build_stack, read_plan

from support import EXAMPLES


def by_address(stack):
    return {r.address: r for r in stack.resources}


def test_module_instances_take_the_region_of_the_provider_passed_in():
    stack = read_plan(str(EXAMPLES / "multi_region" / "plan.json"))
    regions = {a: r.region for a, r in by_address(stack).items() if r.type == "aws_sagemaker_model"}
    assert regions == {
        'module.east.aws_sagemaker_model.this["ranker"]': "us-east-1",
        'module.east.aws_sagemaker_model.this["scorer"]': "us-east-1",
        'module.west.aws_sagemaker_model.this["ranker"]': "us-west-2",
        'module.west.aws_sagemaker_model.this["scorer"]': "us-west-2",
    }
    assert stack.default_region == "us-east-1"  # the default provider's region is `var.region`, from variables


def test_computed_defaults_are_absent_and_written_arguments_unknown():
    stack = read_plan(str(EXAMPLES / "rules" / "CKV_MLM_003" / "aws5" / "plan.json"))
    model = by_address(stack)["aws_sagemaker_model.unknown_in_config_repository_unpinned"]
    assert "arn" not in model.attributes  # known after apply, never written: a computed default
    image = model.get("primary_container")[0]["image"]
    assert image == Unknown(
        "known only after apply",
        ("aws_ecr_repository.support_model_repository.repository_url", "aws_ecr_repository.support_model_repository"),
    )
    resolved = stack.resolve_image(image, model)
    assert (resolved.origin_address, resolved.region) == ("aws_ecr_repository.support_model_repository", "us-east-1")


def test_allowed_account_ids_pin_the_account():
    # Terraform cannot plan offline with allowed_account_ids ("AWS account ID not allowed"), so the pin is added
    # to a real plan's provider configuration here, exactly as Terraform writes it.
    plan = json.loads((EXAMPLES / "rules" / "CKV_MLM_003" / "aws5" / "plan.json").read_text())
    plan["configuration"]["provider_config"]["aws"]["expressions"]["allowed_account_ids"] = {
        "constant_value": ["111122223333"]
    }
    stack = build_stack(plan, "plan.json")
    assert stack.pinned_accounts == frozenset({"111122223333"})
    assert by_address(stack)["aws_ecr_repository.support_model_repository"].account == "111122223333"


def test_sensitive_values_are_never_read():
    stack = read_plan(str(EXAMPLES / "sensitive_values" / "plan.json"))
    container = by_address(stack)["aws_sagemaker_model.secretive"].get("primary_container")[0]
    assert container["image"] == Unknown("the value is marked sensitive and is never read or shown")
    assert "planted-secret" not in repr(stack.resources)


def test_without_its_configuration_every_unknown_stays_unknown():
    # A resource the plan's configuration does not describe: nothing tells a computed default from a written
    # argument, so every value known only after apply is kept as unknown (fail closed), nested ones too.
    plan = json.loads((EXAMPLES / "rules" / "CKV_MLM_003" / "aws5" / "plan.json").read_text())
    plan["configuration"]["root_module"]["resources"] = [
        r
        for r in plan["configuration"]["root_module"]["resources"]
        if r["address"] != "aws_sagemaker_model.unknown_in_config_repository_unpinned"
    ]
    model = by_address(build_stack(plan, "plan.json"))["aws_sagemaker_model.unknown_in_config_repository_unpinned"]
    assert model.get("arn") == Unknown("known only after apply")
    assert model.get("primary_container")[0]["image"] == Unknown("known only after apply")
