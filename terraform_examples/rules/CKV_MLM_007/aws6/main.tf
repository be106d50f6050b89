# CKV_MLM_007 (region supports Marketplace publishing) with hashicorp/aws 6.x: the
# resource's own region argument decides, whatever the provider's region (us-east-1).

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
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

resource "aws_sagemaker_model" "pass_provider_region" {
  name                     = "mlmarket-007-v6-pass-provider-region"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_model" "fail_region_argument_opt_in" {
  region                   = "af-south-1"
  name                     = "mlmarket-007-v6-fail-region-argument-opt-in"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.af-south-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_endpoint_configuration" "fail_region_argument_opt_in" {
  region = "af-south-1"
  name   = "mlmarket-007-v6-fail-region-argument-opt-in"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.fail_region_argument_opt_in.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }
}
