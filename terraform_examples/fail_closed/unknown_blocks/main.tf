# Nested blocks a plan knows only after apply. A `dynamic` block whose for_each is known only after apply leaves
# no trace in the plan's `configuration` (its expressions do not show dynamic blocks at all), and the plan marks
# the whole block `after_unknown: true`, exactly as it marks a computed default such as `arn`. mlmarket tells
# them apart with the provider's schema (plugin/mlmarket/readers/provider_schema.py): a block stays UNKNOWN,
# never PASSED, and a computed attribute nobody wrote stays absent.

terraform {
  required_version = ">= 1.5"
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

# Their outputs are known only after apply.
resource "terraform_data" "later" {
  input = ["on"]
}

resource "terraform_data" "volume_size" {
  input = 64
}

resource "aws_sagemaker_endpoint_configuration" "unknown_async_conditional" {
  name = "mlmarket-unknown-async-conditional"

  production_variants {
    variant_name           = "primary"
    model_name             = "my-model"
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }

  dynamic "async_inference_config" {
    for_each = terraform_data.later.output == null ? [] : [1]
    content {
      output_config {
        s3_output_path = "s3://mlmarket-async-output/async/"
      }
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "unknown_async_collection" {
  name = "mlmarket-unknown-async-collection"

  production_variants {
    variant_name           = "primary"
    model_name             = "my-model"
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }

  dynamic "async_inference_config" {
    for_each = terraform_data.later.output
    content {
      output_config {
        s3_output_path = "s3://mlmarket-async-output/async/"
      }
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "fail_async_static" {
  name = "mlmarket-fail-async-static"

  production_variants {
    variant_name           = "primary"
    model_name             = "my-model"
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }

  async_inference_config {
    output_config {
      s3_output_path = "s3://mlmarket-async-output/async/"
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "pass_realtime" {
  name = "mlmarket-pass-realtime"

  production_variants {
    variant_name           = "primary"
    model_name             = "my-model"
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }
}

# Every variant comes from a dynamic block over a collection known only after apply.
resource "aws_sagemaker_endpoint_configuration" "unknown_variants" {
  name = "mlmarket-unknown-variants"

  dynamic "production_variants" {
    for_each = terraform_data.later.output
    content {
      variant_name           = "primary"
      model_name             = "my-model"
      instance_type          = "ml.m5.xlarge"
      initial_instance_count = 1
      volume_size_in_gb      = 1024
    }
  }
}

# The variant is known (a dynamic block over a known collection), its volume size is not: a value written in a
# dynamic block is not in `configuration`, and must not read as a computed default (g5 instances have NVMe
# storage and take no volume_size_in_gb at all, so the unset default would pass).
resource "aws_sagemaker_endpoint_configuration" "unknown_volume_in_dynamic_variant" {
  name = "mlmarket-unknown-volume-in-dynamic-variant"

  dynamic "production_variants" {
    for_each = ["primary"]
    content {
      variant_name           = production_variants.value
      model_name             = "my-model"
      instance_type          = "ml.g5.xlarge"
      initial_instance_count = 1
      volume_size_in_gb      = terraform_data.volume_size.output
    }
  }
}

# One variant written literally, one by a dynamic block: the plan shows two, the configuration one.
resource "aws_sagemaker_endpoint_configuration" "unknown_volume_static_and_dynamic_variants" {
  name = "mlmarket-unknown-volume-static-and-dynamic"

  production_variants {
    variant_name           = "primary"
    model_name             = "my-model"
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }

  dynamic "production_variants" {
    for_each = ["secondary"]
    content {
      variant_name           = production_variants.value
      model_name             = "my-model"
      instance_type          = "ml.g5.xlarge"
      initial_instance_count = 1
      volume_size_in_gb      = terraform_data.volume_size.output
    }
  }
}
