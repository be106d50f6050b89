# CKV_MLM_003 (images live in the seller's own account) where the provider pins the
# account with allowed_account_ids: an image built from an ECR repository created
# through the pinned provider is in that account; one created through an unpinned
# provider configuration is in an unknown account. HCL only (see NO_PLAN).

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
  allowed_account_ids         = ["111122223333"]
  access_key                  = "mock_access_key"
  secret_key                  = "mock_secret_key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

provider "aws" {
  alias                       = "unpinned"
  region                      = "us-east-1"
  access_key                  = "mock_access_key"
  secret_key                  = "mock_secret_key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

resource "aws_ecr_repository" "support_pinned_repository" {
  name = "mlmarket-003-pinned-model"
}

resource "aws_ecr_repository" "support_unpinned_repository" {
  provider = aws.unpinned
  name     = "mlmarket-003-unpinned-model"
}

resource "aws_sagemaker_model" "pass_pinned_in_config_repository" {
  name                     = "mlmarket-003-pass-pinned-in-config-repository"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "${aws_ecr_repository.support_pinned_repository.repository_url}:1.0"
  }
}

resource "aws_sagemaker_model" "unknown_unpinned_in_config_repository" {
  name                     = "mlmarket-003-unknown-unpinned-in-config-repository"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "${aws_ecr_repository.support_unpinned_repository.repository_url}:1.0"
  }
}

resource "aws_sagemaker_model" "fail_other_seller_account" {
  name                     = "mlmarket-003-fail-pinned-other-seller-account"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "444455556666.dkr.ecr.us-east-1.amazonaws.com/their-model:1.0"
  }
}
