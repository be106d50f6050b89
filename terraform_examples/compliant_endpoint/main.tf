# End to end: a compliant real-time endpoint stack for a Marketplace model. ECR
# repository, artifact bucket, execution role, a network-isolated model using the
# seller's own image and artifacts in us-east-1, and an instance-based endpoint.
# Every mlmarket rule passes.

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
  name                 = "mlmarket-compliant-model"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_s3_bucket" "artifacts" {
  bucket = "mlmarket-compliant-artifacts-111122223333"
}

resource "aws_iam_role" "sagemaker_execution" {
  name = "mlmarket-compliant-sagemaker-execution"
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
  name                     = "mlmarket-compliant-model"
  execution_role_arn       = aws_iam_role.sagemaker_execution.arn
  enable_network_isolation = true

  primary_container {
    # Written out rather than built from aws_ecr_repository.model.repository_url: the
    # registry account is then known without allowed_account_ids on the provider.
    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/mlmarket-compliant-model:1.0"
    model_data_url = "s3://${aws_s3_bucket.artifacts.bucket}/model/model.tar.gz"
  }
}

resource "aws_sagemaker_endpoint_configuration" "model" {
  name = "mlmarket-compliant-model"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }
}

resource "aws_sagemaker_endpoint" "model" {
  name                 = "mlmarket-compliant-model"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.model.name
}
