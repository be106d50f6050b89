# CKV_MLM_002 (images live in private Amazon ECR) with hashicorp/aws 6.x resources:
# algorithm training and inference images and training job images, each in private
# ECR or a public registry.

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

resource "aws_sagemaker_algorithm" "pass_private_ecr" {
  algorithm_name = "mlmarket-002-v6-pass-private-ecr"

  training_specification {
    training_image                    = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    supported_training_instance_types = ["ml.m5.xlarge"]

    training_channels {
      name                    = "train"
      supported_content_types = ["text/csv"]
      supported_input_modes   = ["File"]
    }
  }

  inference_specification {
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]

    containers {
      image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
    }
  }
}

resource "aws_sagemaker_algorithm" "fail_training_image_docker_hub" {
  algorithm_name = "mlmarket-002-v6-fail-training-image-docker-hub"

  training_specification {
    training_image                    = "docker.io/acme/model-training:1.0"
    supported_training_instance_types = ["ml.m5.xlarge"]

    training_channels {
      name                    = "train"
      supported_content_types = ["text/csv"]
      supported_input_modes   = ["File"]
    }
  }
}

resource "aws_sagemaker_algorithm" "fail_inference_image_ecr_public" {
  algorithm_name = "mlmarket-002-v6-fail-inference-image-ecr-public"

  training_specification {
    training_image                    = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    supported_training_instance_types = ["ml.m5.xlarge"]

    training_channels {
      name                    = "train"
      supported_content_types = ["text/csv"]
      supported_input_modes   = ["File"]
    }
  }

  inference_specification {
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]

    containers {
      image = "public.ecr.aws/xyz/model:1"
    }
  }
}

resource "aws_sagemaker_training_job" "pass_private_ecr" {
  training_job_name        = "mlmarket-002-v6-pass-private-ecr"
  role_arn                 = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  algorithm_specification {
    training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    training_input_mode = "File"
  }
  output_data_config {
    s3_output_path = "s3://mlmarket-training-output-111122223333/002/"
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

resource "aws_sagemaker_training_job" "fail_ghcr" {
  training_job_name        = "mlmarket-002-v6-fail-ghcr"
  role_arn                 = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  algorithm_specification {
    training_image      = "ghcr.io/acme/model-training:1"
    training_input_mode = "File"
  }
  output_data_config {
    s3_output_path = "s3://mlmarket-training-output-111122223333/002/"
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
