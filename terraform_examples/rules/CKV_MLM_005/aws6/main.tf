# CKV_MLM_005 (model artifacts in the same region) with hashicorp/aws 6.x: algorithms
# in us-east-1 whose validation training input is in a bucket of us-east-1 or of
# us-west-2 (provider aws.west); the validation transform input stays in us-east-1.

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

provider "aws" {
  alias                       = "west"
  region                      = "us-west-2"
  access_key                  = "mock_access_key"
  secret_key                  = "mock_secret_key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

resource "aws_s3_bucket" "support_east_bucket" {
  bucket = "mlmarket-005-v6-east-111122223333"
}

resource "aws_s3_bucket" "support_west_bucket" {
  provider = aws.west
  bucket   = "mlmarket-005-v6-west-111122223333"
}

resource "aws_sagemaker_algorithm" "pass_training_input_same_region" {
  algorithm_name          = "mlmarket-005-v6-pass-training-input-same-region"
  certify_for_marketplace = true

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

  validation_specification {
    validation_role = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-validation"

    validation_profiles {
      profile_name = "validation"

      training_job_definition {
        training_input_mode = "File"

        input_data_config {
          channel_name = "train"
          content_type = "text/csv"

          data_source {
            s3_data_source {
              s3_data_type = "S3Prefix"
              s3_uri       = "s3://${aws_s3_bucket.support_east_bucket.bucket}/train/"
            }
          }
        }
        output_data_config {
          s3_output_path = "s3://${aws_s3_bucket.support_east_bucket.bucket}/training-output/"
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

      transform_job_definition {
        max_payload_in_mb = 6

        transform_input {
          content_type = "text/csv"

          data_source {
            s3_data_source {
              s3_data_type = "S3Prefix"
              s3_uri       = "s3://${aws_s3_bucket.support_east_bucket.bucket}/transform-input/"
            }
          }
        }
        transform_output {
          s3_output_path = "s3://${aws_s3_bucket.support_east_bucket.bucket}/transform-output/"
        }
        transform_resources {
          instance_type  = "ml.m5.xlarge"
          instance_count = 1
        }
      }
    }
  }
}

resource "aws_sagemaker_algorithm" "fail_training_input_other_region" {
  algorithm_name          = "mlmarket-005-v6-fail-training-input-other-region"
  certify_for_marketplace = true

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

  validation_specification {
    validation_role = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-validation"

    validation_profiles {
      profile_name = "validation"

      training_job_definition {
        training_input_mode = "File"

        input_data_config {
          channel_name = "train"
          content_type = "text/csv"

          data_source {
            s3_data_source {
              s3_data_type = "S3Prefix"
              s3_uri       = "s3://${aws_s3_bucket.support_west_bucket.bucket}/train/"
            }
          }
        }
        output_data_config {
          s3_output_path = "s3://${aws_s3_bucket.support_east_bucket.bucket}/training-output/"
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

      transform_job_definition {
        max_payload_in_mb = 6

        transform_input {
          content_type = "text/csv"

          data_source {
            s3_data_source {
              s3_data_type = "S3Prefix"
              s3_uri       = "s3://${aws_s3_bucket.support_east_bucket.bucket}/transform-input/"
            }
          }
        }
        transform_output {
          s3_output_path = "s3://${aws_s3_bucket.support_east_bucket.bucket}/transform-output/"
        }
        transform_resources {
          instance_type  = "ml.m5.xlarge"
          instance_count = 1
        }
      }
    }
  }
}
