# CKV_MLM_006 (one region for the whole publishing stack) with hashicorp/aws 5.x: one
# model resource with count = 3 in us-east-1 against a model and an endpoint
# configuration in us-west-2 (provider aws.west), with an ECR repository and an S3
# bucket on each side. Each instance counts once, so us-east-1 holds most SageMaker
# resources (3 of 5) and is the reference region: the us-west-2 resources fail. Were
# the counted resource one vote, us-west-2 would win 2 to 1.

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

provider "aws" {
  alias                       = "west"
  region                      = "us-west-2"
  access_key                  = "mock_access_key"
  secret_key                  = "mock_secret_key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

resource "aws_ecr_repository" "pass_east_repository" {
  name = "mlmarket-006-east-model"
}

resource "aws_s3_bucket" "pass_east_bucket" {
  bucket = "mlmarket-006-artifacts-east-111122223333"
}

resource "aws_sagemaker_model" "pass_east_counted" {
  count                    = 3
  name                     = "mlmarket-006-pass-east-counted-${count.index}"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_model" "fail_west_model" {
  provider                 = aws.west
  name                     = "mlmarket-006-fail-west-model"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-west-2.amazonaws.com/my-model:1.0"
  }
}

resource "aws_ecr_repository" "fail_west_repository" {
  provider = aws.west
  name     = "mlmarket-006-west-model"
}

resource "aws_s3_bucket" "fail_west_bucket" {
  provider = aws.west
  bucket   = "mlmarket-006-artifacts-west-111122223333"
}

resource "aws_sagemaker_endpoint_configuration" "fail_west_endpoint_configuration" {
  provider = aws.west
  name     = "mlmarket-006-fail-west-endpoint-configuration"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.fail_west_model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }
}
