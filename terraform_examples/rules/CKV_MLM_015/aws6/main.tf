# CKV_MLM_015 (instance types valid for their use) with hashicorp/aws 6.x: training
# jobs on a training type and on a hosting-only type, and algorithms whose
# supported_training_instance_types are valid, contain a nonexistent or hosting-only
# type, or are empty.

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

resource "aws_sagemaker_algorithm" "pass_supported_training_types" {
  algorithm_name = "mlmarket-015-v6-pass-supported-training-types"

  training_specification {
    training_image                    = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    supported_training_instance_types = ["ml.m5.xlarge", "ml.p3.2xlarge"]

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

resource "aws_sagemaker_algorithm" "fail_unknown_training_type" {
  algorithm_name = "mlmarket-015-v6-fail-unknown-training-type"

  training_specification {
    training_image                    = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    supported_training_instance_types = ["ml.m5.xlarge", "ml.m5.fake"]

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

resource "aws_sagemaker_algorithm" "fail_hosting_only_training_type" {
  algorithm_name = "mlmarket-015-v6-fail-hosting-only-training-type"

  training_specification {
    training_image                    = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    supported_training_instance_types = ["ml.t2.medium"]

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

resource "aws_sagemaker_algorithm" "fail_empty_training_types" {
  algorithm_name = "mlmarket-015-v6-fail-empty-training-types"

  training_specification {
    training_image                    = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    supported_training_instance_types = []

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

resource "aws_sagemaker_training_job" "pass_training_instance" {
  training_job_name        = "mlmarket-015-v6-pass-training-instance"
  role_arn                 = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  algorithm_specification {
    training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    training_input_mode = "File"
  }
  output_data_config {
    s3_output_path = "s3://mlmarket-training-output-111122223333/015/"
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

resource "aws_sagemaker_training_job" "fail_hosting_only_instance" {
  training_job_name        = "mlmarket-015-v6-fail-hosting-only-instance"
  role_arn                 = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  algorithm_specification {
    training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    training_input_mode = "File"
  }
  output_data_config {
    s3_output_path = "s3://mlmarket-training-output-111122223333/015/"
  }
  resource_config {
    instance_type     = "ml.t2.medium"
    instance_count    = 1
    volume_size_in_gb = 30
  }
  stopping_condition {
    max_runtime_in_seconds = 3600
  }
}
