# CKV_MLM_004 (image region = resource region) with hashicorp/aws 6.x: the resource's
# own region argument overrides its provider's region (us-east-1 here).

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

resource "aws_sagemaker_model" "pass_region_argument_matches_image" {
  region                   = "us-west-2"
  name                     = "mlmarket-004-v6-pass-region-argument-matches-image"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-west-2.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_model" "fail_region_argument_differs_from_image" {
  region                   = "us-west-2"
  name                     = "mlmarket-004-v6-fail-region-argument-differs"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_training_job" "pass_region_argument_matches_image" {
  region                   = "eu-west-1"
  training_job_name        = "mlmarket-004-v6-pass-training-region-matches"
  role_arn                 = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  algorithm_specification {
    training_image      = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-model-training:1.0"
    training_input_mode = "File"
  }
  output_data_config {
    s3_output_path = "s3://mlmarket-training-output-111122223333-eu-west-1/004/"
  }
  resource_config {
    instance_type     = "ml.m5.xlarge"
    instance_count    = 1
    volume_size_in_gb = 30
  }
  stopping_condition {
    max_runtime_in_seconds = 3600
  }
}

resource "aws_sagemaker_training_job" "fail_provider_region_differs_from_image" {
  training_job_name        = "mlmarket-004-v6-fail-training-region-differs"
  role_arn                 = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  algorithm_specification {
    training_image      = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-model-training:1.0"
    training_input_mode = "File"
  }
  output_data_config {
    s3_output_path = "s3://mlmarket-training-output-111122223333/004/"
  }
  resource_config {
    instance_type     = "ml.m5.xlarge"
    instance_count    = 1
    volume_size_in_gb = 30
  }
  stopping_condition {
    max_runtime_in_seconds = 3600
  }
}
