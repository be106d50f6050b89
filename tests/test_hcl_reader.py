"""The HCL reader: effective regions, variables, modules, references, skips, count/for_each."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlmarket.errors import InputError
from mlmarket.model import Unknown
from mlmarket.readers.hcl import read_directory

from support import write_tree as write

PROVIDERS = """
provider "aws" {
  region = var.region
}
provider "aws" {
  alias  = "west"
  region = "us-west-2"
}
variable "region" {
  default = "us-east-1"
}
"""


def by_address(directory: Path):
    (stack,) = read_directory(str(directory))
    return stack, {r.address: r for r in stack.resources}


def test_regions_through_default_alias_tfvars_and_modules(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": PROVIDERS
            + """
resource "aws_sagemaker_model" "east" {
  name = "east"
}
resource "aws_sagemaker_model" "west" {
  provider = aws.west
  name     = "west"
}
module "in_west" {
  source    = "./modules/model"
  providers = { aws = aws.west }
  name      = "w"
}
module "inherits_default" {
  source = "./modules/model"
  name   = "d"
}
""",
            "terraform.tfvars": 'region = "eu-west-1"\n',
            "modules/model/main.tf": """
variable "name" {}
resource "aws_sagemaker_model" "this" {
  name = var.name
}
""",
        },
    )
    stack, resources = by_address(tmp_path)
    assert {a: r.region for a, r in resources.items()} == {
        "aws_sagemaker_model.east": "eu-west-1",
        "aws_sagemaker_model.west": "us-west-2",
        "module.in_west.aws_sagemaker_model.this": "us-west-2",
        "module.inherits_default.aws_sagemaker_model.this": "eu-west-1",
    }
    assert resources["module.in_west.aws_sagemaker_model.this"].get("name") == "w"
    assert resources["module.in_west.aws_sagemaker_model.this"].file == str(tmp_path / "modules/model/main.tf")
    assert stack.default_region == "eu-west-1"


def test_auto_tfvars_override_terraform_tfvars(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": PROVIDERS + 'resource "aws_sagemaker_model" "m" {\n  name = "m"\n}\n',
            "terraform.tfvars": 'region = "eu-west-1"\n',
            "z.auto.tfvars": 'region = "ap-south-1"\n',
        },
    )
    _, resources = by_address(tmp_path)
    assert resources["aws_sagemaker_model.m"].region == "ap-south-1"


def test_v6_region_argument_wins_over_the_provider(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": PROVIDERS
            + """
resource "aws_sagemaker_training_job" "t" {
  region = "eu-central-1"
}
"""
        },
    )
    _, resources = by_address(tmp_path)
    assert resources["aws_sagemaker_training_job.t"].region == "eu-central-1"


def test_references_become_unknowns_that_keep_their_targets(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": PROVIDERS
            + """
resource "aws_ecr_repository" "repo" {
  provider = aws.west
  name     = "repo"
}
resource "aws_sagemaker_model" "m" {
  primary_container {
    image = "${aws_ecr_repository.repo.repository_url}:v1"
  }
}
"""
        },
    )
    stack, resources = by_address(tmp_path)
    model = resources["aws_sagemaker_model.m"]
    image = model.get("primary_container")[0]["image"]
    assert isinstance(image, Unknown)
    assert image.references == ("aws_ecr_repository.repo.repository_url",)
    resolved = stack.resolve_image(image, model)
    assert (resolved.kind, resolved.region, resolved.origin_address) == (
        "private_ecr",
        "us-west-2",
        "aws_ecr_repository.repo",
    )
    assert isinstance(resolved.account, Unknown)


def test_interpolated_variables_and_jsonencode_resolve(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": PROVIDERS
            + """
variable "account" {
  default = "111122223333"
}
locals {
  tag = "v2"
}
resource "aws_sagemaker_model" "m" {
  primary_container {
    image = "${var.account}.dkr.ecr.${var.region}.amazonaws.com/model:${local.tag}"
  }
}
resource "aws_sagemaker_pipeline" "p" {
  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "train", Type = "Training",
      Arguments = { EnableNetworkIsolation = true, Count = { Get = "Parameters.N" } }
    }]
  })
}
"""
        },
    )
    _, resources = by_address(tmp_path)
    assert resources["aws_sagemaker_model.m"].get("primary_container")[0]["image"] == (
        "111122223333.dkr.ecr.us-east-1.amazonaws.com/model:v2"
    )
    # jsonencode as Terraform writes it: keys sorted, no spaces.
    assert resources["aws_sagemaker_pipeline.p"].get("pipeline_definition") == (
        '{"Steps":[{"Arguments":{"Count":{"Get":"Parameters.N"},"EnableNetworkIsolation":true},"Name":"train",'
        '"Type":"Training"}],"Version":"2020-12-01"}'
    )


def test_skip_comments_count_and_for_each(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": PROVIDERS
            + """
resource "aws_sagemaker_model" "counted" {
  count = 3
  #checkov:skip=CKV_MLM_001:isolation is enforced by the platform module
  # mlmarket:skip=CKV_MLM_006
}
resource "aws_sagemaker_model" "each" {
  for_each = toset(["a", "b"])
}
"""
        },
    )
    _, resources = by_address(tmp_path)
    assert sorted(resources) == [
        "aws_sagemaker_model.counted[0]",
        "aws_sagemaker_model.counted[1]",
        "aws_sagemaker_model.counted[2]",
        'aws_sagemaker_model.each["a"]',
        'aws_sagemaker_model.each["b"]',
    ]
    counted = resources["aws_sagemaker_model.counted[1]"]
    assert counted.skips == {"CKV_MLM_001": "isolation is enforced by the platform module", "CKV_MLM_006": ""}


def test_for_each_over_an_unknown_collection_stays_one_instance(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": PROVIDERS
            + """
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_sagemaker_model" "each" {
  for_each = aws_s3_bucket.b.tags_all
  name     = each.key
}
"""
        },
    )
    _, resources = by_address(tmp_path)
    name = resources["aws_sagemaker_model.each"].get("name")
    # Unknown for the reason the collection is: a computed attribute of another resource.
    assert name == Unknown("aws_s3_bucket.b.tags_all is known only after apply", ("aws_s3_bucket.b.tags_all",))


def test_provider_without_region_gives_an_unknown_region(tmp_path):
    write(tmp_path, {"main.tf": 'provider "aws" {}\nresource "aws_sagemaker_model" "m" {\n  name = "m"\n}\n'})
    _, resources = by_address(tmp_path)
    region = resources["aws_sagemaker_model.m"].region
    assert isinstance(region, Unknown)
    assert "sets no region" in region.reason


def test_pinned_account_flows_to_resources_and_stack(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": """
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}
resource "aws_ecr_repository" "r" {
  name = "r"
}
"""
        },
    )
    stack, resources = by_address(tmp_path)
    assert resources["aws_ecr_repository.r"].account == "111122223333"
    assert stack.pinned_accounts == frozenset({"111122223333"})


def test_each_root_module_is_its_own_stack_and_called_modules_are_not(tmp_path):
    write(
        tmp_path,
        {
            "a/main.tf": 'module "m" {\n  source = "../shared"\n}\n',
            "b/main.tf": 'resource "aws_sagemaker_model" "b" {\n  name = "b"\n}\n',
            "shared/main.tf": 'resource "aws_sagemaker_model" "s" {\n  name = "s"\n}\n',
        },
    )
    stacks = read_directory(str(tmp_path))
    assert sorted((s.source, tuple(r.address for r in s.resources)) for s in stacks) == [
        (str(tmp_path / "a"), ("module.m.aws_sagemaker_model.s",)),
        (str(tmp_path / "b"), ("aws_sagemaker_model.b",)),
    ]


def test_a_module_above_the_scanned_folder_is_read_where_it_lies(tmp_path):
    """`examples/basic` calling `../..`, the standard layout of a module repository: Terraform plans it."""
    write(
        tmp_path,
        {
            "main.tf": 'variable "isolated" {}\nresource "aws_sagemaker_model" "m" {\n  name = "m"\n'
            "  enable_network_isolation = var.isolated\n}\n",
            "examples/basic/main.tf": PROVIDERS + 'module "root" {\n  source   = "../.."\n  isolated = false\n}\n',
        },
    )
    (stack,) = read_directory(str(tmp_path / "examples" / "basic"))
    (model,) = stack.resources
    assert (model.address, model.get("enable_network_isolation"), model.region) == (
        "module.root.aws_sagemaker_model.m",
        False,
        "us-east-1",
    )
    assert model.file == f"{tmp_path}/main.tf"


def test_a_module_source_that_does_not_exist_is_an_input_error(tmp_path):
    write(tmp_path, {"main.tf": 'module "m" {\n  source = "../nowhere"\n}\n'})
    with pytest.raises(InputError) as raised:
        read_directory(str(tmp_path))
    assert raised.value.one_line() == f"{tmp_path}/main.tf:1: module `m` source '../nowhere' has no Terraform files"


def test_tf_var_environment_variables_sit_between_defaults_and_variables_files(tmp_path, monkeypatch):
    write(
        tmp_path,
        {
            "main.tf": PROVIDERS
            + 'variable "name" {\n  default = "default"\n}\nvariable "types" {\n  type = list(string)\n}\n'
            'variable "from_file" {\n  default = "default"\n}\n'
            'resource "aws_sagemaker_model" "m" {\n  name = "${var.name}-${var.from_file}"\n'
            "  tags = { first = var.types[0] }\n}\n",
            "terraform.tfvars": 'from_file = "tfvars"\n',
        },
    )
    monkeypatch.setenv("TF_VAR_name", "env")
    monkeypatch.setenv("TF_VAR_types", '["ml.m5.large", "ml.c5.xlarge"]')
    monkeypatch.setenv("TF_VAR_from_file", "env")
    _, resources = by_address(tmp_path)
    model = resources["aws_sagemaker_model.m"]
    assert (model.get("name"), model.get("tags")) == ("env-tfvars", {"first": "ml.m5.large"})


def test_bare_legacy_list_and_map_types_read_as_terraform_reads_them(tmp_path):
    """Terraform 1.11 accepts `type = list` and `type = map` (list(any), map(any)); a corpus root uses them."""
    write(
        tmp_path,
        {
            "main.tf": PROVIDERS
            + 'variable "types" {\n  type    = list\n  default = ["ml.m5.large", 1]\n}\n'
            'variable "tags" {\n  type    = map\n  default = { team = "ml" }\n}\n'
            'resource "aws_sagemaker_model" "m" {\n  name = var.types[1]\n  tags = var.tags\n}\n',
        },
    )
    _, resources = by_address(tmp_path)
    assert (resources["aws_sagemaker_model.m"].get("name"), resources["aws_sagemaker_model.m"].get("tags")) == (
        "1",
        {"team": "ml"},
    )


def test_bare_set_type_is_refused_as_terraform_refuses_it(tmp_path):
    write(tmp_path, {"main.tf": 'variable "s" {\n  type = set\n}\n'})
    with pytest.raises(InputError) as raised:
        read_directory(str(tmp_path))
    assert "invalid type constraint" in raised.value.one_line()


def test_files_elsewhere_in_the_repository_are_read_but_not_beyond_it(tmp_path):
    """`file("${path.module}/../ml/x.json")` from a root below the repository's top: Terraform reads it."""
    repository = tmp_path / "repo"
    write(
        repository,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "ml/container.json": '{"image": "111122223333.dkr.ecr.us-east-1.amazonaws.com/m:1"}',
            "infra/main.tf": PROVIDERS
            + 'resource "aws_sagemaker_model" "m" {\n  name = "m"\n  primary_container {\n'
            '    image = jsondecode(file("${path.module}/../ml/container.json")).image\n  }\n}\n',
        },
    )
    (stack,) = read_directory(str(repository / "infra"))
    (model,) = stack.resources
    assert model.get("primary_container")[0]["image"] == "111122223333.dkr.ecr.us-east-1.amazonaws.com/m:1"
    write(tmp_path, {"outside.json": "{}"})
    (repository / "infra" / "main.tf").write_text(
        PROVIDERS + 'locals {\n  x = file("${path.module}/../../outside.json")\n}\n'
        'resource "aws_sagemaker_model" "m" {\n  name = local.x\n}\n'
    )
    with pytest.raises(InputError) as raised:
        read_directory(str(repository / "infra"))
    assert "outside the scanned directory" in raised.value.one_line()


def test_a_for_each_set_holding_an_unknown_element_is_one_unknown_instance(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": PROVIDERS
            + 'resource "aws_iam_policy" "p" {\n  name = "p"\n  policy = "{}"\n}\n'
            'resource "aws_sagemaker_model" "m" {\n  for_each = toset(["a", aws_iam_policy.p.arn])\n'
            '  name = each.key\n}\n',
        },
    )
    _, resources = by_address(tmp_path)
    model = resources["aws_sagemaker_model.m"]
    assert isinstance(model.get("name"), Unknown)
    assert "aws_iam_policy.p.arn is known only after apply" in model.get("name").reason


def test_a_counted_resource_as_a_whole_has_its_instances_as_the_plan_holds_them(tmp_path):
    """`count = length(aws_s3_bucket.b)`: Terraform knows how many instances there are, and each instance is the
    object of the plan: a configured argument known, an unset one unknown. A type mlmarket has no schema for
    (aws_iam_policy) keeps each instance unknown."""
    write(
        tmp_path,
        {
            "main.tf": PROVIDERS
            + 'resource "aws_s3_bucket" "b" {\n  count  = 2\n  bucket = "artifacts-${count.index}"\n}\n'
            'resource "aws_s3_bucket" "keyed" {\n  for_each = toset(["x"])\n  bucket = each.key\n}\n'
            'resource "aws_iam_policy" "p" {\n  count  = 1\n  name   = "p"\n  policy = "{}"\n}\n'
            'resource "aws_sagemaker_model" "m" {\n  count = length(aws_s3_bucket.b) + length(aws_s3_bucket.keyed)\n'
            '  name  = "m"\n  tags  = {\n    first = element(aws_s3_bucket.b[*].bucket, 0)\n'
            '    keyed = aws_s3_bucket.keyed["x"].bucket\n    arn = aws_s3_bucket.b[1].arn\n'
            '    unset = tostring(aws_s3_bucket.b[0].object_lock_enabled == null)\n'
            '    policy = one(aws_iam_policy.p[*].name)\n  }\n}\n',
        },
    )
    _, resources = by_address(tmp_path)
    models = sorted(a for a in resources if a.startswith("aws_sagemaker_model"))
    assert models == ["aws_sagemaker_model.m[0]", "aws_sagemaker_model.m[1]", "aws_sagemaker_model.m[2]"]
    tags = resources["aws_sagemaker_model.m[0]"].get("tags")
    assert (tags["first"], tags["keyed"]) == ("artifacts-0", "x")
    assert (type(tags["arn"]), tags["arn"].reason) == (Unknown, "aws_s3_bucket.b[1].arn is known only after apply")
    # An unset argument is unknown, computed or not: the provider may set a default at plan time.
    assert (type(tags["unset"]), tags["unset"].reason) == (
        Unknown, "aws_s3_bucket.b[0].object_lock_enabled is known only after apply"
    )
    assert (type(tags["policy"]), tags["policy"].reason) == (Unknown, "aws_iam_policy.p[0] is known only after apply")


def test_an_argument_is_converted_to_its_type_in_the_provider_schema(tmp_path):
    """Terraform converts `memory_size_in_mb = "1024"` to the number the schema asks for; a value that cannot be
    converted is unknown with the reason (mlmarket's copy of the schema may be older than the seller's provider)."""
    write(
        tmp_path,
        {
            "main.tf": PROVIDERS
            + 'resource "aws_sagemaker_endpoint_configuration" "c" {\n  name = "c"\n  production_variants {\n'
            '    variant_name = "a"\n    model_name = "m"\n    volume_size_in_gb = "64"\n'
            '    initial_instance_count = "one"\n    serverless_config {\n      max_concurrency = "2"\n'
            '      memory_size_in_mb = "1024"\n    }\n  }\n}\n',
        },
    )
    _, resources = by_address(tmp_path)
    variant = resources["aws_sagemaker_endpoint_configuration.c"].get("production_variants")[0]
    assert (variant["volume_size_in_gb"], variant["serverless_config"][0]["memory_size_in_mb"]) == (64, 1024)
    count = variant["initial_instance_count"]
    assert type(count) is Unknown
    assert count.reason == (
        "`aws_sagemaker_endpoint_configuration.c.production_variants.initial_instance_count` is not of its "
        "attribute's type in the hashicorp/aws schema (a number is required): Terraform would refuse it"
    )


def test_an_error_inside_a_nested_block_names_the_file_and_line(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": PROVIDERS,
            "models.tf": 'resource "aws_sagemaker_model" "m" {\n  name = "x"\n  dynamic "container" {\n'
            '    for_each = 3\n    content {\n      image = "i"\n    }\n  }\n}\n',
        },
    )
    with pytest.raises(InputError) as raised:
        read_directory(str(tmp_path))
    assert raised.value.one_line().startswith(f"{tmp_path}/models.tf:4: ")


def test_an_argument_holding_an_infinity_is_refused_as_terraform_refuses_it(tmp_path):
    """Terraform computes `1/0` but cannot plan a number attribute holding it (the provider refuses "+Inf"):
    no value, exit 2."""
    write(tmp_path, {"main.tf": PROVIDERS + 'resource "aws_sagemaker_endpoint_configuration" "c" {\n  name = "c"\n'
                     '  production_variants {\n    variant_name = "a"\n    volume_size_in_gb = 1 / 0\n  }\n}\n'})
    with pytest.raises(InputError) as raised:
        read_directory(str(tmp_path))
    assert raised.value.one_line() == (
        f"{tmp_path}/main.tf:12: aws_sagemaker_endpoint_configuration.c: `production_variants` holds an infinite "
        "number, which Terraform cannot plan (cannot serialize infinity)"
    )


def test_an_infinity_converted_to_a_string_attribute_is_the_text_terraform_plans(tmp_path):
    """`tags` is a map of strings in the provider's schema: Terraform converts 1/0 to "+Inf" and plans it."""
    write(tmp_path, {"main.tf": PROVIDERS + 'resource "aws_sagemaker_model" "m" {\n  name = "m"\n'
                     "  tags = { ratio = 1 / 0, negative = -1 / 0 }\n}\n"})
    _, resources = by_address(tmp_path)
    assert resources["aws_sagemaker_model.m"].get("tags") == {"negative": "-Inf", "ratio": "+Inf"}
