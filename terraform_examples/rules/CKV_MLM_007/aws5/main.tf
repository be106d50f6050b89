# CKV_MLM_007 (region supports Marketplace publishing) with hashicorp/aws 5.x: a model
# and an endpoint configuration in us-east-1 (default provider) and in af-south-1, an
# opt-in region where Marketplace ML products cannot be published (provider
# aws.capetown).

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
  alias                       = "capetown"
  region                      = "af-south-1"
  access_key                  = "mock_access_key"
  secret_key                  = "mock_secret_key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

resource "aws_sagemaker_model" "pass_publishing_region" {
  name                     = "mlmarket-007-pass-publishing-region"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_endpoint_configuration" "pass_publishing_region" {
  name = "mlmarket-007-pass-publishing-region"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.pass_publishing_region.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }
}

resource "aws_sagemaker_model" "fail_opt_in_region" {
  provider                 = aws.capetown
  name                     = "mlmarket-007-fail-opt-in-region"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.af-south-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_endpoint_configuration" "fail_opt_in_region" {
  provider = aws.capetown
  name     = "mlmarket-007-fail-opt-in-region"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.fail_opt_in_region.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }
}
