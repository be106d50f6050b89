# CKV_MLM_002 (images live in private Amazon ECR) with hashicorp/aws 5.x: model images
# in private ECR, Docker Hub, ECR Public and GHCR; a private-registry access mode
# (image_config "Vpc"); a multi-container model with one public image; an image built
# from an in-configuration ECR repository and one from an in-configuration ECR Public
# repository; and pipeline Training step images, one of them a pipeline parameter.

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
  name = "mlmarket-002-model"
}

resource "aws_sagemaker_model" "pass_private_ecr" {
  name                     = "mlmarket-002-pass-private-ecr"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_model" "pass_in_config_repository" {
  name                     = "mlmarket-002-pass-in-config-repository"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "${aws_ecr_repository.support_model_repository.repository_url}:1.0"
  }
}

resource "aws_sagemaker_model" "fail_docker_hub" {
  name                     = "mlmarket-002-fail-docker-hub"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "docker.io/library/nginx:latest"
  }
}

resource "aws_sagemaker_model" "fail_ecr_public" {
  name                     = "mlmarket-002-fail-ecr-public"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "public.ecr.aws/xyz/model:1"
  }
}

resource "aws_sagemaker_model" "fail_ghcr" {
  name                     = "mlmarket-002-fail-ghcr"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "ghcr.io/acme/model:1"
  }
}

# The image URI is private ECR, but "Vpc" makes SageMaker pull it from a private
# Docker registry in the VPC, which Marketplace does not accept.
resource "aws_sagemaker_model" "fail_vpc_registry_access" {
  name                     = "mlmarket-002-fail-vpc-registry-access"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"

    image_config {
      repository_access_mode = "Vpc"
    }
  }
}

resource "aws_sagemaker_model" "pass_containers_all_private" {
  name                     = "mlmarket-002-pass-containers-all-private"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-preprocessor:1.0"
  }
  container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_model" "fail_container_docker_hub" {
  name                     = "mlmarket-002-fail-container-docker-hub"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-preprocessor:1.0"
  }
  container {
    image = "docker.io/library/nginx:latest"
  }
}

resource "aws_sagemaker_pipeline" "pass_training_image_private_ecr" {
  pipeline_name         = "mlmarket-002-pass-training-image-private-ecr"
  pipeline_display_name = "mlmarket-002-pass-training-image-private-ecr"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "Train"
      Type = "Training"
      Arguments = {
        AlgorithmSpecification = {
          TrainingImage     = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
          TrainingInputMode = "File"
        }
        RoleArn                = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        OutputDataConfig       = { S3OutputPath = "s3://mlmarket-training-output-111122223333/002/" }
        ResourceConfig         = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition      = { MaxRuntimeInSeconds = 3600 }
        EnableNetworkIsolation = true
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_training_image_docker_hub" {
  pipeline_name         = "mlmarket-002-fail-training-image-docker-hub"
  pipeline_display_name = "mlmarket-002-fail-training-image-docker-hub"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "Train"
      Type = "Training"
      Arguments = {
        AlgorithmSpecification = {
          TrainingImage     = "docker.io/acme/model-training:1.0"
          TrainingInputMode = "File"
        }
        RoleArn                = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        OutputDataConfig       = { S3OutputPath = "s3://mlmarket-training-output-111122223333/002/" }
        ResourceConfig         = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition      = { MaxRuntimeInSeconds = 3600 }
        EnableNetworkIsolation = true
      }
    }]
  })
}

resource "aws_ecrpublic_repository" "support_public_repository" {
  repository_name = "mlmarket-002-public-model"
}

resource "aws_sagemaker_model" "fail_in_config_ecr_public_repository" {
  name                     = "mlmarket-002-fail-in-config-ecr-public-repository"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "${aws_ecrpublic_repository.support_public_repository.repository_uri}:1.0"
  }
}

# The training image is a pipeline parameter, known only when the pipeline runs.
resource "aws_sagemaker_pipeline" "unknown_training_image_parameter" {
  pipeline_name         = "mlmarket-002-unknown-training-image-parameter"
  pipeline_display_name = "mlmarket-002-unknown-training-image-parameter"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Parameters = [{
      Name         = "TrainingImage"
      Type         = "String"
      DefaultValue = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    }]
    Steps = [{
      Name = "Train"
      Type = "Training"
      Arguments = {
        AlgorithmSpecification = {
          TrainingImage     = { Get = "Parameters.TrainingImage" }
          TrainingInputMode = "File"
        }
        RoleArn                = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        OutputDataConfig       = { S3OutputPath = "s3://mlmarket-training-output-111122223333/002/" }
        ResourceConfig         = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition      = { MaxRuntimeInSeconds = 3600 }
        EnableNetworkIsolation = true
      }
    }]
  })
}
