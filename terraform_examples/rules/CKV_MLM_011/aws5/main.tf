# CKV_MLM_011 (batch invocation <= 60 min) with hashicorp/aws 5.x: pipelines whose
# Transform step sets ModelClientConfig.InvocationsTimeoutInSeconds at the limit
# (3600 s), one past it, not at all, and from a pipeline parameter (only known when
# the pipeline runs).

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

resource "aws_sagemaker_pipeline" "pass_invocation_timeout_at_limit" {
  pipeline_name         = "mlmarket-011-pass-invocation-timeout-at-limit"
  pipeline_display_name = "mlmarket-011-pass-invocation-timeout-at-limit"
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
          SplitType   = "Line"
          DataSource  = { S3DataSource = { S3DataType = "S3Prefix", S3Uri = "s3://mlmarket-batch-111122223333/input/" } }
        }
        TransformOutput    = { S3OutputPath = "s3://mlmarket-batch-111122223333/output/" }
        TransformResources = { InstanceType = "ml.m5.xlarge", InstanceCount = 1 }
        BatchStrategy      = "MultiRecord"
        MaxPayloadInMB     = 6
        ModelClientConfig  = { InvocationsTimeoutInSeconds = 3600, InvocationsMaxRetries = 1 }
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_invocation_timeout_one_past_limit" {
  pipeline_name         = "mlmarket-011-fail-invocation-timeout-one-past-limit"
  pipeline_display_name = "mlmarket-011-fail-invocation-timeout-one-past-limit"
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
          SplitType   = "Line"
          DataSource  = { S3DataSource = { S3DataType = "S3Prefix", S3Uri = "s3://mlmarket-batch-111122223333/input/" } }
        }
        TransformOutput    = { S3OutputPath = "s3://mlmarket-batch-111122223333/output/" }
        TransformResources = { InstanceType = "ml.m5.xlarge", InstanceCount = 1 }
        BatchStrategy      = "MultiRecord"
        MaxPayloadInMB     = 6
        ModelClientConfig  = { InvocationsTimeoutInSeconds = 3601, InvocationsMaxRetries = 1 }
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "pass_invocation_timeout_omitted" {
  pipeline_name         = "mlmarket-011-pass-invocation-timeout-omitted"
  pipeline_display_name = "mlmarket-011-pass-invocation-timeout-omitted"
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
          SplitType   = "Line"
          DataSource  = { S3DataSource = { S3DataType = "S3Prefix", S3Uri = "s3://mlmarket-batch-111122223333/input/" } }
        }
        TransformOutput    = { S3OutputPath = "s3://mlmarket-batch-111122223333/output/" }
        TransformResources = { InstanceType = "ml.m5.xlarge", InstanceCount = 1 }
        BatchStrategy      = "MultiRecord"
        MaxPayloadInMB     = 6
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "unknown_invocation_timeout_parameter" {
  pipeline_name         = "mlmarket-011-unknown-invocation-timeout-parameter"
  pipeline_display_name = "mlmarket-011-unknown-invocation-timeout-parameter"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version    = "2020-12-01"
    Parameters = [{ Name = "InvocationTimeout", Type = "Integer", DefaultValue = 600 }]
    Steps = [{
      Name = "BatchTransform"
      Type = "Transform"
      Arguments = {
        ModelName = "mlmarket-model"
        TransformInput = {
          ContentType = "text/csv"
          SplitType   = "Line"
          DataSource  = { S3DataSource = { S3DataType = "S3Prefix", S3Uri = "s3://mlmarket-batch-111122223333/input/" } }
        }
        TransformOutput    = { S3OutputPath = "s3://mlmarket-batch-111122223333/output/" }
        TransformResources = { InstanceType = "ml.m5.xlarge", InstanceCount = 1 }
        BatchStrategy      = "MultiRecord"
        MaxPayloadInMB     = 6
        ModelClientConfig  = { InvocationsTimeoutInSeconds = { Get = "Parameters.InvocationTimeout" } }
      }
    }]
  })
}
