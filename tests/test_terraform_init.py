"""What `terraform init` leaves behind, read as `terraform plan` reads it: installed registry and git modules
(`.terraform/modules/modules.json`), and the selected workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlmarket.errors import InputError
from mlmarket.readers.hcl import read_directory

from support import write_tree as write

PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n'
MODEL_MODULE = (
    'variable "name" {}\nresource "aws_sagemaker_model" "m" {\n  name = "${var.name}-${terraform.workspace}"\n'
    "  enable_network_isolation = true\n}\n"
    'module "inner" {\n  source = "./modules/inner"\n}\n'
)
INNER_MODULE = 'resource "aws_sagemaker_model" "inner" {\n  name = "inner"\n}\n'


def installed_registry_module(root: Path, source: str = "registry.terraform.io/acme/model/aws") -> Path:
    """A root calling `acme/model/aws` from the registry, as `terraform init` leaves it: the module's files under
    .terraform/modules/model and the manifest naming them (nested local calls get their own records)."""
    write(
        root,
        {
            "main.tf": PROVIDER + 'module "model" {\n  source  = "acme/model/aws"\n  version = "1.2.0"\n'
            '  name    = "from-registry"\n}\n',
            ".terraform/modules/model/main.tf": MODEL_MODULE,
            ".terraform/modules/model/modules/inner/main.tf": INNER_MODULE,
        },
    )
    manifest = {
        "Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            {"Key": "model", "Source": source, "Version": "1.2.0", "Dir": ".terraform/modules/model"},
            {"Key": "model.inner", "Source": "./modules/inner", "Dir": ".terraform/modules/model/modules/inner"},
        ]
    }
    (root / ".terraform/modules/modules.json").write_text(json.dumps(manifest))
    return root


def scan(root: Path, command_line=()):
    (stack,) = read_directory(str(root), command_line)
    return stack, {r.address: r for r in stack.resources}


def test_an_installed_registry_module_is_read_from_the_manifest(tmp_path):
    stack, resources = scan(installed_registry_module(tmp_path))
    assert sorted(resources) == [
        "module.model.aws_sagemaker_model.m",
        "module.model.module.inner.aws_sagemaker_model.inner",
    ]
    model = resources["module.model.aws_sagemaker_model.m"]
    assert (model.get("name"), model.region) == ("from-registry-default", "us-east-1")
    assert model.file == f"{tmp_path}/.terraform/modules/model/main.tf"
    assert stack.unread_modules == ()


def test_a_registry_module_recorded_with_its_shorthand_source_is_read_too(tmp_path):
    _, resources = scan(installed_registry_module(tmp_path, source="acme/model/aws"))
    assert "module.model.aws_sagemaker_model.m" in resources


@pytest.mark.parametrize(
    ("written", "recorded"),
    [
        ("github.com/acme/model", "git::https://github.com/acme/model.git"),
        ("github.com/acme/model//modules/x", "git::https://github.com/acme/model.git//modules/x"),
        ("git::https://example.com/model.git?ref=v1", "git::https://example.com/model.git?ref=v1"),
        ("acme/model/aws//modules/x", "registry.terraform.io/acme/model/aws//modules/x"),
    ],
)
def test_sources_match_the_form_terraform_init_records(written, recorded):
    from mlmarket.readers.terraform_init import same_source

    assert same_source(written, recorded)


def test_a_module_not_installed_is_named_unread_and_its_resources_are_out_of_scope(tmp_path):
    write(tmp_path, {"main.tf": PROVIDER + 'module "model" {\n  source = "acme/model/aws"\n  name = "x"\n}\n'})
    stack, resources = scan(tmp_path)
    assert resources == {}
    assert stack.unread_modules == (
        'module.model (source "acme/model/aws"): not installed: run `terraform init` in the root module, then scan '
        "again",
    )


def test_a_module_whose_source_changed_since_init_is_not_read(tmp_path):
    root = installed_registry_module(tmp_path)
    (root / "main.tf").write_text(
        PROVIDER + 'module "model" {\n  source = "acme/other/aws"\n  name = "x"\n}\n'
    )
    stack, resources = scan(root)
    assert resources == {}
    assert stack.unread_modules == (
        "module.model (source \"acme/other/aws\"): installed from 'registry.terraform.io/acme/model/aws', the "
        "configuration now says otherwise: run `terraform init`",
    )


@pytest.mark.parametrize("content", ["{", '{"Modules": [{"Dir": "x"}]}', "[]", '{"Modules": 3}'])
def test_a_corrupt_manifest_is_an_input_error(tmp_path, content):
    root = installed_registry_module(tmp_path)
    (root / ".terraform/modules/modules.json").write_text(content)
    with pytest.raises(InputError) as raised:
        scan(root)
    assert raised.value.one_line().startswith(
        f"{tmp_path}/.terraform/modules/modules.json: is not a module manifest written by `terraform init`"
    )


def test_tf_data_dir_moves_the_manifest(tmp_path, monkeypatch):
    root = installed_registry_module(tmp_path)
    (root / ".terraform").rename(root / ".data")
    manifest = json.loads((root / ".data/modules/modules.json").read_text())
    for record in manifest["Modules"]:
        record["Dir"] = record["Dir"].replace(".terraform/", ".data/")
    (root / ".data/modules/modules.json").write_text(json.dumps(manifest))
    monkeypatch.setenv("TF_DATA_DIR", ".data")
    _, resources = scan(root)
    assert resources["module.model.aws_sagemaker_model.m"].get("name") == "from-registry-default"


# --- terraform.workspace ---------------------------------------------------------------------------------


@pytest.fixture
def workspace_root(tmp_path, monkeypatch):
    monkeypatch.delenv("TF_WORKSPACE", raising=False)
    return write(
        tmp_path,
        {
            "main.tf": PROVIDER
            + 'resource "aws_sagemaker_model" "m" {\n  count = terraform.workspace == "prod" ? 1 : 0\n'
            '  name  = "m-${terraform.workspace}"\n}\n'
        },
    )


def names(root: Path, command_line=()):
    _, resources = scan(root, command_line)
    return {address: r.get("name") for address, r in resources.items()}


def test_the_workspace_is_default_without_init(workspace_root):
    assert names(workspace_root) == {}


def test_the_workspace_terraform_workspace_select_recorded_is_used(workspace_root):
    write(workspace_root, {".terraform/environment": "prod"})
    assert names(workspace_root) == {"aws_sagemaker_model.m[0]": "m-prod"}


def test_tf_workspace_wins_over_the_recorded_one_and_workspace_over_both(workspace_root, monkeypatch):
    write(workspace_root, {".terraform/environment": "staging"})
    monkeypatch.setenv("TF_WORKSPACE", "prod")
    assert names(workspace_root) == {"aws_sagemaker_model.m[0]": "m-prod"}
    assert names(workspace_root, [("workspace", "test")]) == {}


def test_an_invalid_workspace_name_is_an_input_error(workspace_root):
    with pytest.raises(InputError) as raised:
        scan(workspace_root, [("workspace", "a/b")])
    assert raised.value.one_line() == "--workspace: 'a/b' is not a valid workspace name"


def test_the_cli_documents_and_passes_the_workspace(workspace_root):
    from support import run_cli

    result = run_cli("scan", str(workspace_root), "--workspace", "prod", "--format", "json", "--check", "CKV_MLM_001")
    report = json.loads(result.stdout)
    assert {r["address"] for r in report["results"]} == {"aws_sagemaker_model.m[0]"}


# --- the oracle: terraform plans what terraform init installed, as mlmarket reads it -------------------------

OFFLINE_PROVIDER = """
provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "AKIAFAKEFAKEFAKEFAKE"
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
"""
REGISTRY_MODULE = """
variable "name" {}
variable "isolated" {
  type    = bool
  default = true
}
resource "aws_sagemaker_model" "m" {
  count                    = terraform.workspace == "prod" ? 2 : 1
  name                     = "${var.name}-${terraform.workspace}-${count.index}"
  execution_role_arn       = "arn:aws:iam::111122223333:role/sagemaker"
  enable_network_isolation = var.isolated
  primary_container {
    image = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/${var.name}:1"
  }
}
module "inner" {
  source = "./modules/inner"
}
output "model_name" {
  value = aws_sagemaker_model.m[0].name
}
"""
INNER = """
resource "aws_sagemaker_endpoint_configuration" "inner" {
  name = "inner"
  production_variants {
    variant_name           = "primary"
    model_name             = "m"
    initial_instance_count = 1
    instance_type          = "ml.m5.large"
  }
}
"""


@pytest.mark.terraform
@pytest.mark.parametrize("workspace", ["default", "prod"])
def test_terraform_plans_an_installed_registry_module_as_mlmarket_reads_it(tmp_path, workspace):
    from mlmarket.readers.plan_json import read_plan
    from terraform_config.offline_plan import PlanRequest, missing_tools, plan_offline

    from source_vs_plan import differences

    missing = missing_tools()
    if missing:
        pytest.skip(missing)
    root = tmp_path / "root"
    write(
        root,
        {
            "main.tf": OFFLINE_PROVIDER + 'module "model" {\n  source  = "acme/model/aws"\n  version = "1.2.0"\n'
            '  name    = "fraud"\n  isolated = false\n}\n'
            'resource "aws_sagemaker_model" "uses_output" {\n  name = "${module.model.model_name}-copy"\n'
            '  execution_role_arn = "arn:aws:iam::111122223333:role/sagemaker"\n'
            "  enable_network_isolation = true\n"
            '  primary_container {\n    image = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/copy:1"\n  }\n}\n',
            ".terraform/modules/model/main.tf": REGISTRY_MODULE,
            ".terraform/modules/model/modules/inner/main.tf": INNER,
        },
    )
    manifest = {
        "Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            {"Key": "model", "Source": "registry.terraform.io/acme/model/aws", "Version": "1.2.0",
             "Dir": ".terraform/modules/model"},
            {"Key": "model.inner", "Source": "./modules/inner", "Dir": ".terraform/modules/model/modules/inner"},
        ]
    }
    (root / ".terraform/modules/modules.json").write_text(json.dumps(manifest))
    source, resources = scan(root, [("workspace", workspace)])
    expected = {
        "default": ["module.model.aws_sagemaker_model.m[0]"],
        "prod": ["module.model.aws_sagemaker_model.m[0]", "module.model.aws_sagemaker_model.m[1]"],
    }[workspace]
    inner = "module.model.module.inner.aws_sagemaker_endpoint_configuration.inner"
    assert sorted(resources) == sorted([*expected, "aws_sagemaker_model.uses_output", inner])
    assert resources["aws_sagemaker_model.uses_output"].get("name") == f"fraud-{workspace}-0-copy"
    (outcome,) = plan_offline([PlanRequest(root, environment={"TF_WORKSPACE": workspace})], tmp_path / "work")
    assert outcome.plan_path is not None, outcome.error
    plan = read_plan(str(outcome.plan_path))
    assert sorted(r.address for r in plan.resources) == sorted(resources)
    assert differences(source, plan) == []
