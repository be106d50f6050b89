# CKV_MLM_001 (containers run network-isolated) with hashicorp/aws 5.x: models with
# enable_network_isolation true, false and unset; pipelines whose Training, Model and
# Tuning steps set EnableNetworkIsolation; and a pipeline that takes it from a pipeline
# parameter, which is only known when the pipeline runs.

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

resource "aws_sagemaker_model" "pass_isolation_enabled" {
  name                     = "mlmarket-001-pass-isolation-enabled"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_model" "fail_isolation_disabled" {
  name                     = "mlmarket-001-fail-isolation-disabled"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = false

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_model" "fail_isolation_absent" {
  name               = "mlmarket-001-fail-isolation-absent"
  execution_role_arn = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_pipeline" "pass_training_step_isolated" {
  pipeline_name         = "mlmarket-001-pass-training-step-isolated"
  pipeline_display_name = "mlmarket-001-pass-training-step-isolated"
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
        OutputDataConfig       = { S3OutputPath = "s3://mlmarket-training-output-111122223333/001/" }
        ResourceConfig         = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition      = { MaxRuntimeInSeconds = 3600 }
        EnableNetworkIsolation = true
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_training_step_not_isolated" {
  pipeline_name         = "mlmarket-001-fail-training-step-not-isolated"
  pipeline_display_name = "mlmarket-001-fail-training-step-not-isolated"
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
        OutputDataConfig       = { S3OutputPath = "s3://mlmarket-training-output-111122223333/001/" }
        ResourceConfig         = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition      = { MaxRuntimeInSeconds = 3600 }
        EnableNetworkIsolation = false
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_training_step_isolation_absent" {
  pipeline_name         = "mlmarket-001-fail-training-step-isolation-absent"
  pipeline_display_name = "mlmarket-001-fail-training-step-isolation-absent"
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
        RoleArn           = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        OutputDataConfig  = { S3OutputPath = "s3://mlmarket-training-output-111122223333/001/" }
        ResourceConfig    = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition = { MaxRuntimeInSeconds = 3600 }
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "pass_model_step_isolated" {
  pipeline_name         = "mlmarket-001-pass-model-step-isolated"
  pipeline_display_name = "mlmarket-001-pass-model-step-isolated"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "CreateModel"
      Type = "Model"
      Arguments = {
        ExecutionRoleArn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        PrimaryContainer       = { Image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0" }
        EnableNetworkIsolation = true
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_model_step_not_isolated" {
  pipeline_name         = "mlmarket-001-fail-model-step-not-isolated"
  pipeline_display_name = "mlmarket-001-fail-model-step-not-isolated"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "CreateModel"
      Type = "Model"
      Arguments = {
        ExecutionRoleArn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        PrimaryContainer       = { Image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0" }
        EnableNetworkIsolation = false
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "pass_tuning_step_isolated" {
  pipeline_name         = "mlmarket-001-pass-tuning-step-isolated"
  pipeline_display_name = "mlmarket-001-pass-tuning-step-isolated"
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
          RoleArn                = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
          OutputDataConfig       = { S3OutputPath = "s3://mlmarket-training-output-111122223333/001/" }
          ResourceConfig         = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
          StoppingCondition      = { MaxRuntimeInSeconds = 3600 }
          EnableNetworkIsolation = true
        }
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_tuning_step_not_isolated" {
  pipeline_name         = "mlmarket-001-fail-tuning-step-not-isolated"
  pipeline_display_name = "mlmarket-001-fail-tuning-step-not-isolated"
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
          RoleArn           = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
          OutputDataConfig  = { S3OutputPath = "s3://mlmarket-training-output-111122223333/001/" }
          ResourceConfig    = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
          StoppingCondition = { MaxRuntimeInSeconds = 3600 }
        }
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "unknown_isolation_parameter" {
  pipeline_name         = "mlmarket-001-unknown-isolation-parameter"
  pipeline_display_name = "mlmarket-001-unknown-isolation-parameter"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version    = "2020-12-01"
    Parameters = [{ Name = "Isolation", Type = "Boolean", DefaultValue = true }]
    Steps = [{
      Name = "Train"
      Type = "Training"
      Arguments = {
        AlgorithmSpecification = {
          TrainingImage     = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
          TrainingInputMode = "File"
        }
        RoleArn                = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        OutputDataConfig       = { S3OutputPath = "s3://mlmarket-training-output-111122223333/001/" }
        ResourceConfig         = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition      = { MaxRuntimeInSeconds = 3600 }
        EnableNetworkIsolation = { Get = "Parameters.Isolation" }
      }
    }]
  })
}
