"""The provider schema dataset the plan reader uses (plugin/mlmarket/readers/provider_schema.py) is what its
generator writes from the real hashicorp/aws provider, and says what the reader relies on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from mlmarket.readers import provider_schema
from mlmarket.rules import all_rules

from support import REPO

MIRROR = os.environ.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins")


def test_every_in_scope_aws_type_of_the_provider_is_in_the_dataset():
    in_scope = {t for r in all_rules() for t in r.metadata.resource_types if t.startswith("aws_")}
    described = {key.split(" ", 1)[1] for key in provider_schema.SCHEMAS}
    # v6-only types (training and tuning jobs, algorithms) are not in provider 5.100: their unknowns stay unknown.
    assert in_scope - described == {
        "aws_sagemaker_algorithm", "aws_sagemaker_hyper_parameter_tuning_job", "aws_sagemaker_training_job",
    }


def test_the_dataset_tells_blocks_from_computed_attributes():
    endpoint = provider_schema.SCHEMAS["managed aws_sagemaker_endpoint_configuration"]
    assert "async_inference_config" in endpoint["blocks"] and "async_inference_config" not in endpoint["computed"]
    assert "arn" in endpoint["computed"]
    model = provider_schema.SCHEMAS["managed aws_sagemaker_model"]
    assert "model_data_source" in model["blocks"]["primary_container"]["computed"]  # a block the provider fills


def test_the_dataset_gives_attribute_types_nesting_and_measured_unset_values():
    endpoint = provider_schema.SCHEMAS["managed aws_sagemaker_endpoint_configuration"]
    variants = endpoint["blocks"]["production_variants"]
    assert (variants["nesting"], variants["types"]["volume_size_in_gb"]) == ("list", "number")
    assert variants["blocks"]["serverless_config"]["types"]["memory_size_in_mb"] == "number"
    bucket = provider_schema.SCHEMAS["managed aws_s3_bucket"]
    assert bucket["types"]["tags"] == ["map", "string"]
    # What the probe plan shows for arguments it leaves unset: a static default, or null.
    assert bucket["unset"] == {"force_destroy": False, "tags": None}
    assert "unset" not in provider_schema.SCHEMAS["data aws_s3_bucket"]  # no probe of data sources


@pytest.mark.terraform
def test_the_dataset_matches_its_generator():
    if shutil.which(os.environ.get("TERRAFORM", "terraform")) is None:
        pytest.skip("terraform is not installed")
    if not os.path.isdir(os.path.join(MIRROR, "registry.terraform.io", "hashicorp", "aws")):
        pytest.skip(f"no hashicorp/aws provider in the mirror {MIRROR}")
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_provider_schema.py"), "--check"],
        capture_output=True, text=True, cwd=REPO, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
