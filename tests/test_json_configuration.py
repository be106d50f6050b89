"""Every file Terraform reads: `*.tf.json` (Terraform's JSON syntax, what CDK for Terraform synthesizes) and
override files (`override.tf`, `*_override.tf` and their JSON forms), merged as Terraform merges them.

The same configuration written in both syntaxes must give the same stack; real `terraform plan` is the judge of
what the JSON form and the overrides mean (marked `terraform`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mlmarket.errors import InputError
from mlmarket.readers.hcl import read_directory
from mlmarket.readers.plan_json import read_plan

from source_vs_plan import differences

PROVIDERS = {
    "provider": {
        "aws": [
            {"region": "us-east-1", "access_key": "AKIAFAKEFAKEFAKEFAKE", "secret_key": "fake",
             "skip_credentials_validation": True, "skip_requesting_account_id": True,
             "skip_metadata_api_check": True},
            {"alias": "west", "region": "us-west-2", "access_key": "AKIAFAKEFAKEFAKEFAKE", "secret_key": "fake",
             "skip_credentials_validation": True, "skip_requesting_account_id": True,
             "skip_metadata_api_check": True},
        ]
    }
}

JSON_STACK = {
    "//": "synthesized by a CDK for Terraform app",
    **PROVIDERS,
    "variable": {"isolated": {"type": "bool", "default": True}, "copies": {"type": "number", "default": 2}},
    "locals": {"image": "111122223333.dkr.ecr.us-east-1.amazonaws.com/model:${var.copies}"},
    "resource": {
        "aws_sagemaker_model": {
            "counted": {
                "count": "${var.copies}",
                "name": "counted-${count.index}",
                "execution_role_arn": "arn:aws:iam::111122223333:role/sagemaker",
                "enable_network_isolation": "${var.isolated}",
                "primary_container": {"image": "${local.image}", "environment": {"MODE": "serve"}},
            },
            "west": {
                "provider": "aws.west",
                "name": "west",
                "execution_role_arn": "arn:aws:iam::111122223333:role/sagemaker",
                "enable_network_isolation": True,
                "container": [
                    {"image": "111122223333.dkr.ecr.us-east-1.amazonaws.com/a:1"},
                    {"image": "111122223333.dkr.ecr.us-west-2.amazonaws.com/b:1"},
                ],
                "dynamic": {"vpc_config": {"for_each": [], "content": {"subnets": ["s"], "security_group_ids": ["g"]}}},
            },
        },
        "aws_sagemaker_endpoint_configuration": {
            "serverless": {
                "name": "serverless",
                "production_variants": {
                    "variant_name": "primary",
                    "model_name": "${aws_sagemaker_model.west.name}",
                    "serverless_config": {"max_concurrency": 1, "memory_size_in_mb": 2048},
                },
            }
        },
    },
}

NATIVE_STACK = """
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "AKIAFAKEFAKEFAKEFAKE"
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
provider "aws" {
  alias                       = "west"
  region                      = "us-west-2"
  access_key                  = "AKIAFAKEFAKEFAKEFAKE"
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
variable "isolated" {
  type    = bool
  default = true
}
variable "copies" {
  type    = number
  default = 2
}
locals {
  image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/model:${var.copies}"
}
resource "aws_sagemaker_model" "counted" {
  count                    = var.copies
  name                     = "counted-${count.index}"
  execution_role_arn       = "arn:aws:iam::111122223333:role/sagemaker"
  enable_network_isolation = var.isolated
  primary_container {
    image       = local.image
    environment = { MODE = "serve" }
  }
}
resource "aws_sagemaker_model" "west" {
  provider                 = aws.west
  name                     = "west"
  execution_role_arn       = "arn:aws:iam::111122223333:role/sagemaker"
  enable_network_isolation = true
  container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/a:1"
  }
  container {
    image = "111122223333.dkr.ecr.us-west-2.amazonaws.com/b:1"
  }
  dynamic "vpc_config" {
    for_each = []
    content {
      subnets            = ["s"]
      security_group_ids = ["g"]
    }
  }
}
resource "aws_sagemaker_endpoint_configuration" "serverless" {
  name = "serverless"
  production_variants {
    variant_name = "primary"
    model_name   = aws_sagemaker_model.west.name
    serverless_config {
      max_concurrency   = 1
      memory_size_in_mb = 2048
    }
  }
}
"""

OVERRIDE_NATIVE = """
resource "aws_sagemaker_model" "counted" {
  count                    = 1
  enable_network_isolation = false
}
"""
OVERRIDE_JSON = {"resource": {"aws_sagemaker_model": {"west": {"container": {"image": "public.ecr.aws/x/y:1"}}}}}


def write_json_stack(directory: Path, with_overrides: bool = False) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.tf.json").write_text(json.dumps(JSON_STACK, indent=2))
    if with_overrides:
        (directory / "override.tf").write_text(OVERRIDE_NATIVE)
        (directory / "images_override.tf.json").write_text(json.dumps(OVERRIDE_JSON))
    return directory


def read(directory: Path):
    (stack,) = read_directory(str(directory))
    return stack


def comparable(stack) -> dict[str, tuple]:
    return {r.address: (r.region, r.type, r.attributes) for r in stack.resources}


def test_the_json_syntax_gives_the_stack_the_native_syntax_gives(tmp_path):
    json_stack = read(write_json_stack(tmp_path / "json"))
    (tmp_path / "native").mkdir()
    (tmp_path / "native" / "main.tf").write_text(NATIVE_STACK)
    native_stack = read(tmp_path / "native")
    assert comparable(json_stack) == comparable(native_stack)
    assert sorted(comparable(json_stack)) == [
        "aws_sagemaker_endpoint_configuration.serverless",
        "aws_sagemaker_model.counted[0]",
        "aws_sagemaker_model.counted[1]",
        "aws_sagemaker_model.west",
    ]


def test_json_findings_point_at_the_json_file_and_line(tmp_path):
    stack = read(write_json_stack(tmp_path))
    lines = {r.address: (Path(r.file).name, r.line) for r in stack.resources}
    text = (tmp_path / "main.tf.json").read_text().splitlines()
    west_line = next(n for n, line in enumerate(text, 1) if line.strip().startswith('"west": {'))
    assert lines["aws_sagemaker_model.west"] == ("main.tf.json", west_line)


def test_override_files_replace_arguments_and_nested_blocks(tmp_path):
    stack = read(write_json_stack(tmp_path, with_overrides=True))
    resources = {r.address: r for r in stack.resources}
    assert sorted(resources) == [
        "aws_sagemaker_endpoint_configuration.serverless",
        "aws_sagemaker_model.counted[0]",
        "aws_sagemaker_model.west",
    ]
    assert resources["aws_sagemaker_model.counted[0]"].get("enable_network_isolation") is False
    assert resources["aws_sagemaker_model.west"].get("container") == [{"image": "public.ecr.aws/x/y:1"}]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("main.tf.json", '{\n  "resource": {\n    "aws_x": 3,\n',
         "main.tf.json:4: invalid JSON: unexpected end of file"),
        ("main.tf.json", '{"resource": {"a": {"b": {"c": 1}}} x',
         "main.tf.json:1: invalid JSON: unexpected character 'x'"),
        ("main.tf.json", '{"resources": {}}',
         'main.tf.json:1: Unsupported block type: Blocks of type "resources" are not expected here.'),
        ("main.tf.json", "[]", "main.tf.json:1: a Terraform JSON file holds one object"),
        ("override.tf", 'resource "aws_sagemaker_model" "nowhere" {\n  name = "x"\n}\n',
         "override.tf:1: Missing base resource block to override: there is no resource block of that name to "
         "override (Terraform refuses it)"),
    ],
)
def test_bad_json_and_orphan_overrides_are_input_errors(tmp_path, name, content, message):
    (tmp_path / "base.tf").write_text('provider "aws" {\n  region = "us-east-1"\n}\n')
    (tmp_path / name).write_text(content)
    with pytest.raises(InputError) as raised:
        read(tmp_path)
    assert raised.value.one_line() == f"{tmp_path}/{message}"


@pytest.mark.terraform
def test_terraform_plans_the_json_stack_and_its_overrides_as_mlmarket_reads_them(tmp_path):
    from terraform_config.offline_plan import PlanRequest, missing_tools, plan_offline

    missing = missing_tools()
    if missing:
        pytest.skip(missing)
    roots = [write_json_stack(tmp_path / "plain"), write_json_stack(tmp_path / "overridden", with_overrides=True)]
    sources = {root.name: read(root) for root in roots}  # read before terraform writes .terraform beside it
    outcomes = plan_offline([PlanRequest(root) for root in roots], tmp_path / "work")
    for outcome in outcomes:
        assert outcome.plan_path is not None, outcome.error
        plan_stack = read_plan(str(outcome.plan_path))
        source = sources[outcome.request.root.name]
        assert sorted(r.address for r in source.resources) == sorted(r.address for r in plan_stack.resources)
        assert differences(source, plan_stack) == []
    shutil.rmtree(tmp_path / "work", ignore_errors=True)
