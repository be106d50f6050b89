# CKV_MLM_003 (images live in the seller's own account; the seller account comes from
# terraform_examples/.mlmarket.yaml) with hashicorp/aws 5.x: images in the seller's
# account and in another seller's account, and an image built from an in-configuration
# ECR repository whose provider pins no account, so its account is unknown.

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

resource "aws_ecr_repository" "support_model_repository" {
  name = "mlmarket-003-model"
}

resource "aws_sagemaker_model" "pass_own_account" {
  name                     = "mlmarket-003-pass-own-account"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_model" "fail_other_seller_account" {
  name                     = "mlmarket-003-fail-other-seller-account"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "444455556666.dkr.ecr.us-east-1.amazonaws.com/their-model:1.0"
  }
}

resource "aws_sagemaker_model" "unknown_in_config_repository_unpinned" {
  name                     = "mlmarket-003-unknown-in-config-repository"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "${aws_ecr_repository.support_model_repository.repository_url}:1.0"
  }
}

resource "aws_sagemaker_pipeline" "fail_training_image_other_seller_account" {
  pipeline_name         = "mlmarket-003-fail-training-image-other-seller-account"
  pipeline_display_name = "mlmarket-003-fail-training-image-other-seller-account"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "Train"
      Type = "Training"
      Arguments = {
        AlgorithmSpecification = {
          TrainingImage     = "444455556666.dkr.ecr.us-east-1.amazonaws.com/their-model-training:1.0"
          TrainingInputMode = "File"
        }
        RoleArn                = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        OutputDataConfig       = { S3OutputPath = "s3://mlmarket-training-output-111122223333/003/" }
        ResourceConfig         = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition      = { MaxRuntimeInSeconds = 3600 }
        EnableNetworkIsolation = true
      }
    }]
  })
}
