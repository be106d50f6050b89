# CKV_MLM_002 (images live in private Amazon ECR) with the awscc provider: model
# package inference containers, a model and an algorithm training image, each in
# private ECR or a public registry.

terraform {
  required_version = ">= 1.5"
  required_providers {
    awscc = {
      source  = "hashicorp/awscc"
      version = ">= 1.0"
    }
  }
}

provider "awscc" {
  region = "us-east-1"
}

resource "awscc_sagemaker_model_package" "pass_private_ecr" {
  model_package_name        = "mlmarket-002-cc-pass-private-ecr"
  model_package_description = "Inference image in the seller's private ECR."
  inference_specification = {
    containers                                  = [{ image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0" }]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]
  }
}

resource "awscc_sagemaker_model_package" "fail_docker_hub" {
  model_package_name        = "mlmarket-002-cc-fail-docker-hub"
  model_package_description = "Inference image on Docker Hub."
  inference_specification = {
    containers                                  = [{ image = "docker.io/library/nginx:latest" }]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]
  }
}

resource "awscc_sagemaker_model_package" "fail_ecr_public_second_container" {
  model_package_name        = "mlmarket-002-cc-fail-ecr-public-second-container"
  model_package_description = "Second inference container on ECR Public."
  inference_specification = {
    containers = [
      { image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-preprocessor:1.0" },
      { image = "public.ecr.aws/xyz/model:1" },
    ]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]
  }
}

resource "awscc_sagemaker_model" "pass_private_ecr" {
  model_name               = "mlmarket-002-cc-pass-private-ecr"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true
  primary_container = {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "awscc_sagemaker_model" "fail_ghcr" {
  model_name               = "mlmarket-002-cc-fail-ghcr"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true
  primary_container = {
    image = "ghcr.io/acme/model:1"
  }
}

resource "awscc_sagemaker_algorithm" "pass_private_ecr" {
  algorithm_name = "mlmarket-002-cc-pass-private-ecr"
  training_specification = {
    training_image                    = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    supported_training_instance_types = ["ml.m5.xlarge"]
    training_channels = [{
      name                    = "train"
      supported_content_types = ["text/csv"]
      supported_input_modes   = ["File"]
    }]
  }
}

resource "awscc_sagemaker_algorithm" "fail_training_image_docker_hub" {
  algorithm_name = "mlmarket-002-cc-fail-training-image-docker-hub"
  training_specification = {
    training_image                    = "docker.io/acme/model-training:1.0"
    supported_training_instance_types = ["ml.m5.xlarge"]
    training_channels = [{
      name                    = "train"
      supported_content_types = ["text/csv"]
      supported_input_modes   = ["File"]
    }]
  }
}
