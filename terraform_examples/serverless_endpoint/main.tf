# End to end: the compliant endpoint stack plus a second endpoint configuration that
# uses serverless inference, which Marketplace does not support. The only violation
# is aws_sagemaker_endpoint_configuration.serverless (CKV_MLM_009);
# aws_sagemaker_endpoint_configuration.instance_based is compliant.

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

resource "aws_ecr_repository" "model" {
  name                 = "mlmarket-serverless-model"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_s3_bucket" "artifacts" {
  bucket = "mlmarket-serverless-artifacts-111122223333"
}

resource "aws_iam_role" "sagemaker_execution" {
  name = "mlmarket-serverless-sagemaker-execution"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_sagemaker_model" "model" {
  name                     = "mlmarket-serverless-model"
  execution_role_arn       = aws_iam_role.sagemaker_execution.arn
  enable_network_isolation = true

  primary_container {
    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/mlmarket-serverless-model:1.0"
    model_data_url = "s3://${aws_s3_bucket.artifacts.bucket}/model/model.tar.gz"
  }
}

resource "aws_sagemaker_endpoint_configuration" "instance_based" {
  name = "mlmarket-serverless-instance-based"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }
}

resource "aws_sagemaker_endpoint_configuration" "serverless" {
  name = "mlmarket-serverless-serverless"

  production_variants {
    variant_name = "primary"
    model_name   = aws_sagemaker_model.model.name

    serverless_config {
      max_concurrency   = 10
      memory_size_in_mb = 4096
    }
  }
}

resource "aws_sagemaker_endpoint" "instance_based" {
  name                 = "mlmarket-serverless-instance-based"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.instance_based.name
}
