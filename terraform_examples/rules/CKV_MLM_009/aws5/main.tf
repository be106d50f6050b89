# CKV_MLM_009 (no serverless inference) with hashicorp/aws 5.x: endpoint
# configurations with a serverless production variant, a serverless shadow variant,
# and instance-based variants only.

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
  name                     = "mlmarket-009-model"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_endpoint_configuration" "pass_instance_based" {
  name = "mlmarket-009-pass-instance-based"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }

  shadow_production_variants {
    variant_name           = "shadow"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }
}

resource "aws_sagemaker_endpoint_configuration" "fail_serverless_variant" {
  name = "mlmarket-009-fail-serverless-variant"

  production_variants {
    variant_name = "primary"
    model_name   = aws_sagemaker_model.support_model.name

    serverless_config {
      max_concurrency   = 5
      memory_size_in_mb = 2048
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "fail_serverless_shadow_variant" {
  name = "mlmarket-009-fail-serverless-shadow-variant"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }

  shadow_production_variants {
    variant_name = "shadow"
    model_name   = aws_sagemaker_model.support_model.name

    serverless_config {
      max_concurrency   = 5
      memory_size_in_mb = 2048
    }
  }
}
