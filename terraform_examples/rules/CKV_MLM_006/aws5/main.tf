# CKV_MLM_006 (one region for the whole publishing stack) with hashicorp/aws 5.x: four
# model instances in us-east-1 (one resource has count = 2) against one model, one ECR
# repository and one S3 bucket in us-west-2 (provider aws.west). us-east-1 holds most
# SageMaker resources, so it is the reference region and the us-west-2 resources fail.

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

resource "aws_sagemaker_model" "pass_east_primary" {
  name                     = "mlmarket-006-pass-east-primary"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_model" "pass_east_secondary" {
  name                     = "mlmarket-006-pass-east-secondary"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_model" "pass_east_counted" {
  count                    = 2
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
