# CKV_MLM_015 (instance types valid for their use) with hashicorp/aws 5.x: an endpoint
# configuration, and pipelines whose Training, Tuning, Processing and Transform steps
# use a valid type, a nonexistent type, or a type that exists only for another use
# (ml.t2.medium is a hosting-only type, ml.c5n.xlarge a training-only type), and
# Training steps on heterogeneous clusters, judged instance group by instance group.
# Invalid endpoint instance types cannot be planned with hashicorp/aws 5.x (the
# provider rejects them): they are in ../aws5_hcl_only.

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

resource "aws_sagemaker_model" "support_model" {
  name                     = "mlmarket-015-model"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_endpoint_configuration" "pass_hosting_instance" {
  name = "mlmarket-015-pass-hosting-instance"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }
}

resource "aws_sagemaker_pipeline" "pass_training_instance" {
  pipeline_name         = "mlmarket-015-pass-training-instance"
  pipeline_display_name = "mlmarket-015-pass-training-instance"
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
        OutputDataConfig       = { S3OutputPath = "s3://mlmarket-training-output-111122223333/015/" }
        ResourceConfig         = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition      = { MaxRuntimeInSeconds = 3600 }
        EnableNetworkIsolation = true
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_training_hosting_only_instance" {
  pipeline_name         = "mlmarket-015-fail-training-hosting-only-instance"
  pipeline_display_name = "mlmarket-015-fail-training-hosting-only-instance"
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
        OutputDataConfig       = { S3OutputPath = "s3://mlmarket-training-output-111122223333/015/" }
        ResourceConfig         = { InstanceType = "ml.t2.medium", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition      = { MaxRuntimeInSeconds = 3600 }
        EnableNetworkIsolation = true
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "pass_training_instance_groups" {
  pipeline_name         = "mlmarket-015-pass-training-instance-groups"
  pipeline_display_name = "mlmarket-015-pass-training-instance-groups"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "TrainHeterogeneous"
      Type = "Training"
      Arguments = {
        AlgorithmSpecification = {
          TrainingImage     = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
          TrainingInputMode = "File"
        }
        RoleArn          = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        OutputDataConfig = { S3OutputPath = "s3://mlmarket-training-output-111122223333/015/" }
        ResourceConfig = {
          VolumeSizeInGB = 30
          InstanceGroups = [
            { InstanceGroupName = "cpu", InstanceType = "ml.m5.xlarge", InstanceCount = 1 },
            { InstanceGroupName = "network", InstanceType = "ml.c5n.xlarge", InstanceCount = 1 },
          ]
        }
        StoppingCondition      = { MaxRuntimeInSeconds = 3600 }
        EnableNetworkIsolation = true
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_training_group_hosting_only_instance" {
  pipeline_name         = "mlmarket-015-fail-training-group-hosting-only"
  pipeline_display_name = "mlmarket-015-fail-training-group-hosting-only"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "TrainHeterogeneous"
      Type = "Training"
      Arguments = {
        AlgorithmSpecification = {
          TrainingImage     = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
          TrainingInputMode = "File"
        }
        RoleArn          = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        OutputDataConfig = { S3OutputPath = "s3://mlmarket-training-output-111122223333/015/" }
        ResourceConfig = {
          VolumeSizeInGB = 30
          InstanceGroups = [
            { InstanceGroupName = "cpu", InstanceType = "ml.m5.xlarge", InstanceCount = 1 },
            { InstanceGroupName = "small", InstanceType = "ml.t2.medium", InstanceCount = 1 },
          ]
        }
        StoppingCondition      = { MaxRuntimeInSeconds = 3600 }
        EnableNetworkIsolation = true
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_tuning_unknown_instance" {
  pipeline_name         = "mlmarket-015-fail-tuning-unknown-instance"
  pipeline_display_name = "mlmarket-015-fail-tuning-unknown-instance"
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
          OutputDataConfig       = { S3OutputPath = "s3://mlmarket-training-output-111122223333/015/" }
          ResourceConfig         = { InstanceType = "ml.m5.fake", InstanceCount = 1, VolumeSizeInGB = 30 }
          StoppingCondition      = { MaxRuntimeInSeconds = 3600 }
          EnableNetworkIsolation = true
        }
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "pass_processing_instance" {
  pipeline_name         = "mlmarket-015-pass-processing-instance"
  pipeline_display_name = "mlmarket-015-pass-processing-instance"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "Preprocess"
      Type = "Processing"
      Arguments = {
        AppSpecification = { ImageUri = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-processing:1.0" }
        RoleArn          = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        NetworkConfig    = { EnableNetworkIsolation = true }
        ProcessingResources = {
          ClusterConfig = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        }
        StoppingCondition = { MaxRuntimeInSeconds = 3600 }
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_processing_unknown_instance" {
  pipeline_name         = "mlmarket-015-fail-processing-unknown-instance"
  pipeline_display_name = "mlmarket-015-fail-processing-unknown-instance"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "Preprocess"
      Type = "Processing"
      Arguments = {
        AppSpecification = { ImageUri = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-processing:1.0" }
        RoleArn          = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
        NetworkConfig    = { EnableNetworkIsolation = true }
        ProcessingResources = {
          ClusterConfig = { InstanceType = "ml.m5.fake", InstanceCount = 1, VolumeSizeInGB = 30 }
        }
        StoppingCondition = { MaxRuntimeInSeconds = 3600 }
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "pass_transform_instance" {
  pipeline_name         = "mlmarket-015-pass-transform-instance"
  pipeline_display_name = "mlmarket-015-pass-transform-instance"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "BatchTransform"
      Type = "Transform"
      Arguments = {
        ModelName = "mlmarket-model"
        TransformInput = {
          ContentType = "text/csv"
          DataSource  = { S3DataSource = { S3DataType = "S3Prefix", S3Uri = "s3://mlmarket-batch-111122223333/input/" } }
        }
        TransformOutput    = { S3OutputPath = "s3://mlmarket-batch-111122223333/output/" }
        TransformResources = { InstanceType = "ml.m5.xlarge", InstanceCount = 1 }
        MaxPayloadInMB     = 6
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_transform_training_only_instance" {
  pipeline_name         = "mlmarket-015-fail-transform-training-only-instance"
  pipeline_display_name = "mlmarket-015-fail-transform-training-only-instance"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "BatchTransform"
      Type = "Transform"
      Arguments = {
        ModelName = "mlmarket-model"
        TransformInput = {
          ContentType = "text/csv"
          DataSource  = { S3DataSource = { S3DataType = "S3Prefix", S3Uri = "s3://mlmarket-batch-111122223333/input/" } }
        }
        TransformOutput    = { S3OutputPath = "s3://mlmarket-batch-111122223333/output/" }
        TransformResources = { InstanceType = "ml.c5n.xlarge", InstanceCount = 1 }
        MaxPayloadInMB     = 6
      }
    }]
  })
}
