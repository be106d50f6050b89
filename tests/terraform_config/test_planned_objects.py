"""A reference to a whole resource sees what `terraform plan` holds for it: the source reader's planned objects
against the real plan, output by output.

Each output of STACK is one whole resource instance (or a nested block of one). The plan shows each output's
value with its unknown parts (`output_changes.<name>.after` / `after_unknown`); mlmarket's evaluation of the same
outputs (mlmarket.terraform.resource_schema through the source reader's schema lookup) must never contradict
it: where the plan is unknown mlmarket is unknown, where mlmarket is known the plan holds the same value and
the same attribute names. An argument nobody wrote is its default (`force_destroy = false`) or null, as the
schema generator measured by planning (scripts/gen_provider_schema.py); CONSERVATIVE lists the places where
mlmarket stays unknown while the plan knows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlmarket.readers.hcl import _resource_schema
from mlmarket.terraform.configuration import ModuleFiles, RootOptions, evaluate_outputs
from mlmarket.terraform.syntax import parse_file
from mlmarket.terraform.values import Value, number_to_python

from offline_plan import PlanRequest, missing_tools, plan_offline

STACK = """
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "mock_access_key"
  secret_key                  = "mock_secret_key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

resource "aws_s3_bucket" "counted" {
  count         = 2
  bucket        = "mlmarket-planned-${count.index}"
  force_destroy = count.index == 1
  tags          = { index = count.index }
}

resource "aws_ecr_repository" "keyed" {
  for_each             = { scanned = true, plain = false }
  name                 = "mlmarket-planned-${each.key}"
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {
    scan_on_push = each.value
  }
}

resource "aws_sagemaker_model" "model" {
  name                     = "planned"
  execution_role_arn       = "arn:aws:iam::111122223333:role/sagemaker-execution"
  enable_network_isolation = "true"
  primary_container {
    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/planned:1"
    model_data_url = "s3://${aws_s3_bucket.counted[0].bucket}/model.tar.gz"
    environment    = { THREADS = 4 }
  }
}

resource "aws_sagemaker_endpoint_configuration" "config" {
  name = "planned"
  production_variants {
    variant_name           = "realtime"
    model_name             = aws_sagemaker_model.model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = "2"
    volume_size_in_gb      = 30
  }
  production_variants {
    variant_name = "serverless"
    model_name   = aws_sagemaker_model.model.name
    serverless_config {
      max_concurrency   = 2
      memory_size_in_mb = "2048"
    }
  }
  data_capture_config {
    initial_sampling_percentage = 10
    destination_s3_uri          = "s3://mlmarket-planned-0/capture/"
    capture_options {
      capture_mode = "Input"
    }
  }
}

resource "aws_sagemaker_pipeline" "pipeline" {
  pipeline_name         = "planned"
  pipeline_display_name = "planned"
  role_arn              = "arn:aws:iam::111122223333:role/sagemaker-execution"
  pipeline_definition   = jsonencode({ Version = "2020-12-01", Steps = [] })
}

output "buckets" {
  value = aws_s3_bucket.counted
}

output "repositories" {
  value = aws_ecr_repository.keyed
}

output "model" {
  value = aws_sagemaker_model.model
}

output "first_container" {
  value = aws_sagemaker_model.model.primary_container[0]
}

output "config" {
  value = aws_sagemaker_endpoint_configuration.config
}

output "pipeline" {
  value = aws_sagemaker_pipeline.pipeline
}
"""

# Where mlmarket is unknown and the plan knows, per output: `tags_all`, which the provider computes from `tags`
# and the provider's `default_tags` (mlmarket does not merge them).
CONSERVATIVE = {
    "buckets": {"[0].tags_all", "[1].tags_all"},
    "repositories": set(),
    "model": set(),
    "first_container": set(),
    "config": set(),
    "pipeline": set(),
}


def _mlmarket_outputs(directory: Path) -> dict[str, Value]:
    files = ModuleFiles.from_files(str(directory), [parse_file(STACK, str(directory / "main.tf"))])
    options = RootOptions(
        root_directory=str(directory),
        loader=lambda *args: "no module calls here",
        instance_budget=1000,
        resource_schema=_resource_schema,
    )
    return evaluate_outputs(files, {}, options)


def _compare(ours: Value, known: Any, unknown_mark: Any, place: str, found: dict[str, list[str]]) -> None:
    """File each place under "contradiction", "conservative" (we are unknown, the plan knows) or "agree"."""
    if unknown_mark is True:
        found["agree" if not ours.is_known else "contradiction"].append(place)
        return
    if not ours.is_known:
        found["conservative"].append(place)
        return
    if isinstance(known, dict):
        # `after` leaves out what is unknown; `after_unknown` names it.
        marks = unknown_mark if isinstance(unknown_mark, dict) else {}
        names = set(known) | set(marks)
        ours_items = ours.raw if isinstance(ours.raw, dict) else {}
        if set(ours_items) != names:
            found["contradiction"].append(f"{place} (attributes {sorted(ours_items)} vs {sorted(names)})")
            return
        for key in sorted(names):
            _compare(ours_items[key], known.get(key), marks.get(key, False), f"{place}.{key}" if place else key,
                     found)
        return
    if isinstance(known, list):
        items = ours.raw if isinstance(ours.raw, tuple) else ()
        if len(items) != len(known):
            found["contradiction"].append(f"{place} (length {len(items)} vs {len(known)})")
            return
        marks = unknown_mark if isinstance(unknown_mark, list) else [False] * len(known)
        for index, value in enumerate(known):
            _compare(items[index], value, marks[index], f"{place}[{index}]", found)
        return
    mine = ours.raw
    same = mine == known if not isinstance(mine, (int, float)) or isinstance(mine, bool) else (
        number_to_python(mine) == known and not isinstance(known, bool))
    found["agree" if same else "contradiction"].append(place if same else f"{place} ({mine!r} vs {known!r})")


@pytest.mark.terraform
def test_a_whole_resource_reference_never_contradicts_the_plan(tmp_path):
    reason = missing_tools()
    if reason is not None:
        pytest.skip(reason)
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf").write_text(STACK)
    (outcome,) = plan_offline([PlanRequest(root)], tmp_path / "terraform")
    assert outcome.plan_path is not None, outcome.error
    changes = json.loads(outcome.plan_path.read_text())["output_changes"]
    ours = _mlmarket_outputs(root)
    assert set(ours) == set(changes) == set(CONSERVATIVE)
    for name, change in changes.items():
        found: dict[str, list[str]] = {"agree": [], "conservative": [], "contradiction": []}
        _compare(ours[name], change["after"], change["after_unknown"], "", found)
        assert found["contradiction"] == [], name
        assert set(found["conservative"]) == CONSERVATIVE[name], name
        assert len(found["agree"]) > 0
