# CKV_MLM_004 (image region = resource region) with hashicorp/aws 5.x: models in
# us-east-1 (default provider) and us-west-2 (provider aws.west) using images from the
# same or the other region, including images built from in-configuration ECR
# repositories (their region is their provider's) and dual-stack ECR endpoints.

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

resource "aws_ecr_repository" "support_east_repository" {
  name = "mlmarket-004-east-model"
}

resource "aws_ecr_repository" "support_west_repository" {
  provider = aws.west
  name     = "mlmarket-004-west-model"
}

resource "aws_sagemaker_model" "pass_same_region" {
  name                     = "mlmarket-004-pass-same-region"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_model" "fail_image_other_region" {
  name                     = "mlmarket-004-fail-image-other-region"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-west-2.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_model" "pass_west_provider_west_image" {
  provider                 = aws.west
  name                     = "mlmarket-004-pass-west-provider-west-image"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-west-2.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_model" "fail_west_provider_east_image" {
  provider                 = aws.west
  name                     = "mlmarket-004-fail-west-provider-east-image"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_model" "pass_in_config_repository_same_region" {
  name                     = "mlmarket-004-pass-in-config-repository-same-region"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "${aws_ecr_repository.support_east_repository.repository_url}:1.0"
  }
}

resource "aws_sagemaker_model" "fail_in_config_repository_other_region" {
  name                     = "mlmarket-004-fail-in-config-repository-other-region"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "${aws_ecr_repository.support_west_repository.repository_url}:1.0"
  }
}

resource "aws_sagemaker_model" "pass_dual_stack_same_region" {
  name                     = "mlmarket-004-pass-dual-stack-same-region"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr-ecr.us-east-1.on.aws/my-model:1.0"
  }
}

resource "aws_sagemaker_model" "fail_dual_stack_other_region" {
  name                     = "mlmarket-004-fail-dual-stack-other-region"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr-ecr.eu-west-1.on.aws/my-model:1.0"
  }
}
