# CKV_MLM_015 (instance types valid for their use) with hashicorp/aws 5.x, HCL only:
# endpoint configuration variants with a nonexistent instance type and with a type that
# exists only for training. hashicorp/aws 5.x rejects both at plan time (see NO_PLAN);
# a scan of the HCL must still report them.

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
  name                     = "mlmarket-015-hcl-model"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_endpoint_configuration" "pass_hosting_instance" {
  name = "mlmarket-015-hcl-pass-hosting-instance"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }
}

resource "aws_sagemaker_endpoint_configuration" "fail_unknown_instance" {
  name = "mlmarket-015-hcl-fail-unknown-instance"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.m5.fake"
    initial_instance_count = 1
  }
}

resource "aws_sagemaker_endpoint_configuration" "fail_training_only_instance" {
  name = "mlmarket-015-hcl-fail-training-only-instance"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.c5n.xlarge"
    initial_instance_count = 1
  }
}
