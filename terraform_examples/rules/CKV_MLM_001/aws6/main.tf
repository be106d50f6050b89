# CKV_MLM_001 (containers run network-isolated) with hashicorp/aws 6.x resources:
# training jobs and hyperparameter tuning jobs with enable_network_isolation true,
# false and unset.

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

resource "aws_sagemaker_training_job" "pass_isolation_enabled" {
  training_job_name        = "mlmarket-001-v6-pass-isolation-enabled"
  role_arn                 = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  algorithm_specification {
    training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    training_input_mode = "File"
  }
  output_data_config {
    s3_output_path = "s3://mlmarket-training-output-111122223333/001/"
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

resource "aws_sagemaker_training_job" "fail_isolation_disabled" {
  training_job_name        = "mlmarket-001-v6-fail-isolation-disabled"
  role_arn                 = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = false

  algorithm_specification {
    training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    training_input_mode = "File"
  }
  output_data_config {
    s3_output_path = "s3://mlmarket-training-output-111122223333/001/"
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

resource "aws_sagemaker_training_job" "fail_isolation_absent" {
  training_job_name = "mlmarket-001-v6-fail-isolation-absent"
  role_arn          = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"

  algorithm_specification {
    training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    training_input_mode = "File"
  }
  output_data_config {
    s3_output_path = "s3://mlmarket-training-output-111122223333/001/"
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

resource "aws_sagemaker_hyper_parameter_tuning_job" "pass_isolation_enabled" {
  name = "mlmarket-001-v6-pass-tuning-isolated"

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
    role_arn                 = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
    enable_network_isolation = true

    algorithm_specification {
      training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
      training_input_mode = "File"
    }
    output_data_config {
      s3_output_path = "s3://mlmarket-training-output-111122223333/001/"
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
}

resource "aws_sagemaker_hyper_parameter_tuning_job" "fail_isolation_absent" {
  name = "mlmarket-001-v6-fail-tuning-isolation-absent"

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
    role_arn = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"

    algorithm_specification {
      training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
      training_input_mode = "File"
    }
    output_data_config {
      s3_output_path = "s3://mlmarket-training-output-111122223333/001/"
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
}
