# CKV_MLM_016 (endpoint volume size allowed) with hashicorp/aws 5.x, HCL only:
# volume_size_in_gb one past the upper limit (513) and below the lower limit (0).
# hashicorp/aws 5.x rejects both at plan time (see NO_PLAN); a scan of the HCL must
# still report them.

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

resource "aws_sagemaker_model" "support_model" {
  name                     = "mlmarket-016-hcl-model"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_endpoint_configuration" "pass_at_limit" {
  name = "mlmarket-016-hcl-pass-at-limit"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
    volume_size_in_gb      = 512
  }
}

resource "aws_sagemaker_endpoint_configuration" "fail_one_past_limit" {
  name = "mlmarket-016-hcl-fail-one-past-limit"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
    volume_size_in_gb      = 513
  }
}

resource "aws_sagemaker_endpoint_configuration" "fail_below_lower_limit" {
  name = "mlmarket-016-hcl-fail-below-lower-limit"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
    volume_size_in_gb      = 0
  }
}
