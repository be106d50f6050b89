# CKV_MLM_012 (spot training wait <= 3600 s) with hashicorp/aws 6.x: training jobs and
# tuning jobs with managed spot training and max_wait_time_in_seconds at the limit, one
# past it, absent, or below max_runtime_in_seconds, and without spot training; and
# algorithms whose validation training job sets a wait time at the limit, one past it,
# below the runtime, or none. A validation training job definition has no spot switch
# in the SageMaker API, so there the wait time is judged whenever it is set.

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

resource "aws_s3_bucket" "support_validation_data" {
  bucket = "mlmarket-012-validation-data-111122223333"
}

resource "aws_sagemaker_algorithm" "pass_validation_wait_at_limit" {
  algorithm_name = "mlmarket-012-v6-pass-validation-wait-at-limit"

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
              s3_uri       = "s3://${aws_s3_bucket.support_validation_data.bucket}/train/"
            }
          }
        }
        output_data_config {
          s3_output_path = "s3://${aws_s3_bucket.support_validation_data.bucket}/training-output/"
        }
        resource_config {
          instance_type     = "ml.m5.xlarge"
          instance_count    = 1
          volume_size_in_gb = 30
        }
        stopping_condition {
          max_runtime_in_seconds   = 1800
          max_wait_time_in_seconds = 3600
        }
      }

      transform_job_definition {
        max_payload_in_mb = 6

        transform_input {
          content_type = "text/csv"

          data_source {
            s3_data_source {
              s3_data_type = "S3Prefix"
              s3_uri       = "s3://${aws_s3_bucket.support_validation_data.bucket}/transform-input/"
            }
          }
        }
        transform_output {
          s3_output_path = "s3://${aws_s3_bucket.support_validation_data.bucket}/transform-output/"
        }
        transform_resources {
          instance_type  = "ml.m5.xlarge"
          instance_count = 1
        }
      }
    }
  }
}

resource "aws_sagemaker_algorithm" "fail_validation_wait_one_past_limit" {
  algorithm_name = "mlmarket-012-v6-fail-validation-wait-one-past-limit"

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
              s3_uri       = "s3://${aws_s3_bucket.support_validation_data.bucket}/train/"
            }
          }
        }
        output_data_config {
          s3_output_path = "s3://${aws_s3_bucket.support_validation_data.bucket}/training-output/"
        }
        resource_config {
          instance_type     = "ml.m5.xlarge"
          instance_count    = 1
          volume_size_in_gb = 30
        }
        stopping_condition {
          max_runtime_in_seconds   = 1800
          max_wait_time_in_seconds = 3601
        }
      }

      transform_job_definition {
        max_payload_in_mb = 6

        transform_input {
          content_type = "text/csv"

          data_source {
            s3_data_source {
              s3_data_type = "S3Prefix"
              s3_uri       = "s3://${aws_s3_bucket.support_validation_data.bucket}/transform-input/"
            }
          }
        }
        transform_output {
          s3_output_path = "s3://${aws_s3_bucket.support_validation_data.bucket}/transform-output/"
        }
        transform_resources {
          instance_type  = "ml.m5.xlarge"
          instance_count = 1
        }
      }
    }
  }
}

resource "aws_sagemaker_algorithm" "fail_validation_runtime_exceeds_wait" {
  algorithm_name = "mlmarket-012-v6-fail-validation-runtime-exceeds-wait"

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
              s3_uri       = "s3://${aws_s3_bucket.support_validation_data.bucket}/train/"
            }
          }
        }
        output_data_config {
          s3_output_path = "s3://${aws_s3_bucket.support_validation_data.bucket}/training-output/"
        }
        resource_config {
          instance_type     = "ml.m5.xlarge"
          instance_count    = 1
          volume_size_in_gb = 30
        }
        stopping_condition {
          max_runtime_in_seconds   = 3600
          max_wait_time_in_seconds = 1800
        }
      }

      transform_job_definition {
        max_payload_in_mb = 6

        transform_input {
          content_type = "text/csv"

          data_source {
            s3_data_source {
              s3_data_type = "S3Prefix"
              s3_uri       = "s3://${aws_s3_bucket.support_validation_data.bucket}/transform-input/"
            }
          }
        }
        transform_output {
          s3_output_path = "s3://${aws_s3_bucket.support_validation_data.bucket}/transform-output/"
        }
        transform_resources {
          instance_type  = "ml.m5.xlarge"
          instance_count = 1
        }
      }
    }
  }
}

resource "aws_sagemaker_algorithm" "pass_validation_wait_absent" {
  algorithm_name = "mlmarket-012-v6-pass-validation-wait-absent"

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
              s3_uri       = "s3://${aws_s3_bucket.support_validation_data.bucket}/train/"
            }
          }
        }
        output_data_config {
          s3_output_path = "s3://${aws_s3_bucket.support_validation_data.bucket}/training-output/"
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
              s3_uri       = "s3://${aws_s3_bucket.support_validation_data.bucket}/transform-input/"
            }
          }
        }
        transform_output {
          s3_output_path = "s3://${aws_s3_bucket.support_validation_data.bucket}/transform-output/"
        }
        transform_resources {
          instance_type  = "ml.m5.xlarge"
          instance_count = 1
        }
      }
    }
  }
}

resource "aws_sagemaker_training_job" "pass_spot_wait_at_limit" {
  training_job_name            = "mlmarket-012-v6-pass-spot-wait-at-limit"
  role_arn                     = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation     = true
  enable_managed_spot_training = true

  algorithm_specification {
    training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    training_input_mode = "File"
  }
  output_data_config {
    s3_output_path = "s3://mlmarket-training-output-111122223333/012/"
  }
  resource_config {
    instance_type     = "ml.m5.xlarge"
    instance_count    = 1
    volume_size_in_gb = 30
  }
  stopping_condition {
    max_runtime_in_seconds   = 3600
    max_wait_time_in_seconds = 3600
  }
}

resource "aws_sagemaker_training_job" "fail_spot_wait_one_past_limit" {
  training_job_name            = "mlmarket-012-v6-fail-spot-wait-one-past-limit"
  role_arn                     = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation     = true
  enable_managed_spot_training = true

  algorithm_specification {
    training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    training_input_mode = "File"
  }
  output_data_config {
    s3_output_path = "s3://mlmarket-training-output-111122223333/012/"
  }
  resource_config {
    instance_type     = "ml.m5.xlarge"
    instance_count    = 1
    volume_size_in_gb = 30
  }
  stopping_condition {
    max_runtime_in_seconds   = 3600
    max_wait_time_in_seconds = 3601
  }
}

resource "aws_sagemaker_training_job" "fail_spot_wait_absent" {
  training_job_name            = "mlmarket-012-v6-fail-spot-wait-absent"
  role_arn                     = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation     = true
  enable_managed_spot_training = true

  algorithm_specification {
    training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    training_input_mode = "File"
  }
  output_data_config {
    s3_output_path = "s3://mlmarket-training-output-111122223333/012/"
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

resource "aws_sagemaker_training_job" "fail_spot_runtime_exceeds_wait" {
  training_job_name            = "mlmarket-012-v6-fail-spot-runtime-exceeds-wait"
  role_arn                     = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation     = true
  enable_managed_spot_training = true

  algorithm_specification {
    training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    training_input_mode = "File"
  }
  output_data_config {
    s3_output_path = "s3://mlmarket-training-output-111122223333/012/"
  }
  resource_config {
    instance_type     = "ml.m5.xlarge"
    instance_count    = 1
    volume_size_in_gb = 30
  }
  stopping_condition {
    max_runtime_in_seconds   = 3000
    max_wait_time_in_seconds = 1800
  }
}

resource "aws_sagemaker_training_job" "pass_spot_disabled" {
  training_job_name            = "mlmarket-012-v6-pass-spot-disabled"
  role_arn                     = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation     = true
  enable_managed_spot_training = false

  algorithm_specification {
    training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    training_input_mode = "File"
  }
  output_data_config {
    s3_output_path = "s3://mlmarket-training-output-111122223333/012/"
  }
  resource_config {
    instance_type     = "ml.m5.xlarge"
    instance_count    = 1
    volume_size_in_gb = 30
  }
  stopping_condition {
    max_runtime_in_seconds = 86400
  }
}

resource "aws_sagemaker_hyper_parameter_tuning_job" "pass_spot_wait_at_limit" {
  name = "mlmarket-012-v6-pass-spot-wait-at-limit"

  config {
    strategy = "Bayesian"
    objective {
      metric_name = "validation:rmse"
      type        = "Minimize"
    }
    parameter_ranges {
      integer_parameter_ranges {
        name      = "max_depth"
        min_value = "3"
        max_value = "10"
      }
    }
    resource_limits {
      max_number_of_training_jobs = 4
      max_parallel_training_jobs  = 2
    }
  }

  training_job_definition {
    role_arn                     = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
    enable_network_isolation     = true
    enable_managed_spot_training = true

    algorithm_specification {
      training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
      training_input_mode = "File"
    }
    output_data_config {
      s3_output_path = "s3://mlmarket-training-output-111122223333/012/"
    }
    resource_config {
      instance_type     = "ml.m5.xlarge"
      instance_count    = 1
      volume_size_in_gb = 30
    }
    stopping_condition {
      max_runtime_in_seconds   = 3600
      max_wait_time_in_seconds = 3600
    }
  }
}

resource "aws_sagemaker_hyper_parameter_tuning_job" "fail_spot_wait_one_past_limit" {
  name = "mlmarket-012-v6-fail-spot-wait-one-past-limit"

  config {
    strategy = "Bayesian"
    objective {
      metric_name = "validation:rmse"
      type        = "Minimize"
    }
    parameter_ranges {
      integer_parameter_ranges {
        name      = "max_depth"
        min_value = "3"
        max_value = "10"
      }
    }
    resource_limits {
      max_number_of_training_jobs = 4
      max_parallel_training_jobs  = 2
    }
  }

  training_job_definition {
    role_arn                     = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
    enable_network_isolation     = true
    enable_managed_spot_training = true

    algorithm_specification {
      training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
      training_input_mode = "File"
    }
    output_data_config {
      s3_output_path = "s3://mlmarket-training-output-111122223333/012/"
    }
    resource_config {
      instance_type     = "ml.m5.xlarge"
      instance_count    = 1
      volume_size_in_gb = 30
    }
    stopping_condition {
      max_runtime_in_seconds   = 3600
      max_wait_time_in_seconds = 3601
    }
  }
}
