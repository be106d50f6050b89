# CKV_MLM_008 (no asynchronous inference) with hashicorp/aws 5.x: endpoint
# configurations with and without async_inference_config.

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

resource "aws_s3_bucket" "support_inference_output" {
  bucket = "mlmarket-008-inference-output-111122223333"
}

resource "aws_sagemaker_model" "support_model" {
  name                     = "mlmarket-008-model"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_endpoint_configuration" "pass_realtime" {
  name = "mlmarket-008-pass-realtime"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }
}

resource "aws_sagemaker_endpoint_configuration" "fail_async_inference" {
  name = "mlmarket-008-fail-async-inference"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }

  async_inference_config {
    output_config {
      s3_output_path = "s3://${aws_s3_bucket.support_inference_output.bucket}/async/"
    }
    client_config {
      max_concurrent_invocations_per_instance = 4
    }
  }
}
