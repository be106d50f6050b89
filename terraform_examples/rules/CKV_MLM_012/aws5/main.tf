# CKV_MLM_012 (spot training wait <= 3600 s) with hashicorp/aws 5.x: pipelines whose
# Training or Tuning step uses managed spot training with MaxWaitTimeInSeconds at the
# limit, one past it, absent, below MaxRuntimeInSeconds, or from a pipeline parameter;
# and steps without spot training (no wait needed).

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

resource "aws_sagemaker_pipeline" "pass_spot_wait_at_limit" {
  pipeline_name         = "mlmarket-012-pass-spot-wait-at-limit"
  pipeline_display_name = "mlmarket-012-pass-spot-wait-at-limit"
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
        RoleArn                   = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        OutputDataConfig          = { S3OutputPath = "s3://mlmarket-training-output-111122223333/012/" }
        ResourceConfig            = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition         = { MaxRuntimeInSeconds = 3600, MaxWaitTimeInSeconds = 3600 }
        EnableNetworkIsolation    = true
        EnableManagedSpotTraining = true
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_spot_wait_one_past_limit" {
  pipeline_name         = "mlmarket-012-fail-spot-wait-one-past-limit"
  pipeline_display_name = "mlmarket-012-fail-spot-wait-one-past-limit"
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
        RoleArn                   = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        OutputDataConfig          = { S3OutputPath = "s3://mlmarket-training-output-111122223333/012/" }
        ResourceConfig            = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition         = { MaxRuntimeInSeconds = 3600, MaxWaitTimeInSeconds = 3601 }
        EnableNetworkIsolation    = true
        EnableManagedSpotTraining = true
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_spot_wait_absent" {
  pipeline_name         = "mlmarket-012-fail-spot-wait-absent"
  pipeline_display_name = "mlmarket-012-fail-spot-wait-absent"
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
        RoleArn                   = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        OutputDataConfig          = { S3OutputPath = "s3://mlmarket-training-output-111122223333/012/" }
        ResourceConfig            = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition         = { MaxRuntimeInSeconds = 3600 }
        EnableNetworkIsolation    = true
        EnableManagedSpotTraining = true
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_spot_runtime_exceeds_wait" {
  pipeline_name         = "mlmarket-012-fail-spot-runtime-exceeds-wait"
  pipeline_display_name = "mlmarket-012-fail-spot-runtime-exceeds-wait"
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
        RoleArn                   = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        OutputDataConfig          = { S3OutputPath = "s3://mlmarket-training-output-111122223333/012/" }
        ResourceConfig            = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition         = { MaxRuntimeInSeconds = 3000, MaxWaitTimeInSeconds = 1800 }
        EnableNetworkIsolation    = true
        EnableManagedSpotTraining = true
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "pass_spot_disabled" {
  pipeline_name         = "mlmarket-012-pass-spot-disabled"
  pipeline_display_name = "mlmarket-012-pass-spot-disabled"
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
        RoleArn                   = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        OutputDataConfig          = { S3OutputPath = "s3://mlmarket-training-output-111122223333/012/" }
        ResourceConfig            = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition         = { MaxRuntimeInSeconds = 86400 }
        EnableNetworkIsolation    = true
        EnableManagedSpotTraining = false
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "pass_spot_omitted" {
  pipeline_name         = "mlmarket-012-pass-spot-omitted"
  pipeline_display_name = "mlmarket-012-pass-spot-omitted"
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
        OutputDataConfig       = { S3OutputPath = "s3://mlmarket-training-output-111122223333/012/" }
        ResourceConfig         = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition      = { MaxRuntimeInSeconds = 86400 }
        EnableNetworkIsolation = true
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "unknown_spot_wait_parameter" {
  pipeline_name         = "mlmarket-012-unknown-spot-wait-parameter"
  pipeline_display_name = "mlmarket-012-unknown-spot-wait-parameter"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version    = "2020-12-01"
    Parameters = [{ Name = "MaxWaitTime", Type = "Integer", DefaultValue = 3600 }]
    Steps = [{
      Name = "Train"
      Type = "Training"
      Arguments = {
        AlgorithmSpecification = {
          TrainingImage     = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
          TrainingInputMode = "File"
        }
        RoleArn                   = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        OutputDataConfig          = { S3OutputPath = "s3://mlmarket-training-output-111122223333/012/" }
        ResourceConfig            = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition         = { MaxRuntimeInSeconds = 1800, MaxWaitTimeInSeconds = { Get = "Parameters.MaxWaitTime" } }
        EnableNetworkIsolation    = true
        EnableManagedSpotTraining = true
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "pass_tuning_spot_wait_at_limit" {
  pipeline_name         = "mlmarket-012-pass-tuning-spot-wait-at-limit"
  pipeline_display_name = "mlmarket-012-pass-tuning-spot-wait-at-limit"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "Tune"
      Type = "Tuning"
      Arguments = {
        HyperParameterTuningJobConfig = {
          Strategy                         = "Bayesian"
          HyperParameterTuningJobObjective = { Type = "Minimize", MetricName = "validation:rmse" }
          ResourceLimits                   = { MaxNumberOfTrainingJobs = 4, MaxParallelTrainingJobs = 2 }
          ParameterRanges = {
            IntegerParameterRanges = [{ Name = "max_depth", MinValue = "3", MaxValue = "10" }]
          }
        }
        TrainingJobDefinition = {
          AlgorithmSpecification = {
            TrainingImage     = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
            TrainingInputMode = "File"
          }
          RoleArn                   = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
          OutputDataConfig          = { S3OutputPath = "s3://mlmarket-training-output-111122223333/012/" }
          ResourceConfig            = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
          StoppingCondition         = { MaxRuntimeInSeconds = 3600, MaxWaitTimeInSeconds = 3600 }
          EnableNetworkIsolation    = true
          EnableManagedSpotTraining = true
        }
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_tuning_spot_wait_one_past_limit" {
  pipeline_name         = "mlmarket-012-fail-tuning-spot-wait-one-past-limit"
  pipeline_display_name = "mlmarket-012-fail-tuning-spot-wait-one-past-limit"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "Tune"
      Type = "Tuning"
      Arguments = {
        HyperParameterTuningJobConfig = {
          Strategy                         = "Bayesian"
          HyperParameterTuningJobObjective = { Type = "Minimize", MetricName = "validation:rmse" }
          ResourceLimits                   = { MaxNumberOfTrainingJobs = 4, MaxParallelTrainingJobs = 2 }
          ParameterRanges = {
            IntegerParameterRanges = [{ Name = "max_depth", MinValue = "3", MaxValue = "10" }]
          }
        }
        TrainingJobDefinition = {
          AlgorithmSpecification = {
            TrainingImage     = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
            TrainingInputMode = "File"
          }
          RoleArn                   = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
          OutputDataConfig          = { S3OutputPath = "s3://mlmarket-training-output-111122223333/012/" }
          ResourceConfig            = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
          StoppingCondition         = { MaxRuntimeInSeconds = 3600, MaxWaitTimeInSeconds = 3601 }
          EnableNetworkIsolation    = true
          EnableManagedSpotTraining = true
        }
      }
    }]
  })
}
