# CKV_MLM_013 (the seller's own image, not an AWS built-in algorithm or Deep Learning
# Container) with hashicorp/aws 5.x: models using the seller's own image, an image from
# an in-configuration ECR repository, a built-in algorithm image (XGBoost), a Deep
# Learning Container (PyTorch), an image from the aws_sagemaker_prebuilt_ecr_image data
# source, and a pipeline Training step on the built-in XGBoost image.

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
  name = "mlmarket-013-model"
}

data "aws_sagemaker_prebuilt_ecr_image" "support_xgboost" {
  repository_name = "sagemaker-xgboost"
  image_tag       = "1.7-1"
}

resource "aws_sagemaker_model" "pass_own_image" {
  name                     = "mlmarket-013-pass-own-image"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_model" "pass_in_config_repository" {
  name                     = "mlmarket-013-pass-in-config-repository"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "${aws_ecr_repository.support_model_repository.repository_url}:1.0"
  }
}

resource "aws_sagemaker_model" "fail_builtin_xgboost" {
  name                     = "mlmarket-013-fail-builtin-xgboost"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  }
}

resource "aws_sagemaker_model" "fail_deep_learning_container" {
  name                     = "mlmarket-013-fail-deep-learning-container"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-cpu-py310"
  }
}

resource "aws_sagemaker_model" "fail_prebuilt_data_source" {
  name                     = "mlmarket-013-fail-prebuilt-data-source"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = data.aws_sagemaker_prebuilt_ecr_image.support_xgboost.registry_path
  }
}

resource "aws_sagemaker_pipeline" "fail_training_step_builtin_xgboost" {
  pipeline_name         = "mlmarket-013-fail-training-step-builtin-xgboost"
  pipeline_display_name = "mlmarket-013-fail-training-step-builtin-xgboost"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "Train"
      Type = "Training"
      Arguments = {
        AlgorithmSpecification = {
          TrainingImage     = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
          TrainingInputMode = "File"
        }
        RoleArn                = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        OutputDataConfig       = { S3OutputPath = "s3://mlmarket-training-output-111122223333/013/" }
        ResourceConfig         = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition      = { MaxRuntimeInSeconds = 3600 }
        EnableNetworkIsolation = true
      }
    }]
  })
}
