# CKV_MLM_010 (batch payload <= 100 MB) with hashicorp/aws 5.x: pipelines whose
# Transform step sets MaxPayloadInMB at the limit, one past it and not at all,
# MaxConcurrentTransforms x MaxPayloadInMB at and over the limit, and a payload taken
# from a pipeline parameter (only known when the pipeline runs).

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

resource "aws_sagemaker_pipeline" "pass_transform_payload_at_limit" {
  pipeline_name         = "mlmarket-010-pass-transform-payload-at-limit"
  pipeline_display_name = "mlmarket-010-pass-transform-payload-at-limit"
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
        MaxPayloadInMB     = 100
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_transform_payload_one_past_limit" {
  pipeline_name         = "mlmarket-010-fail-transform-payload-one-past-limit"
  pipeline_display_name = "mlmarket-010-fail-transform-payload-one-past-limit"
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
        MaxPayloadInMB     = 101
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_transform_concurrent_payload_over_limit" {
  pipeline_name         = "mlmarket-010-fail-transform-concurrent-payload-over-limit"
  pipeline_display_name = "mlmarket-010-fail-transform-concurrent-payload-over-limit"
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
        TransformOutput         = { S3OutputPath = "s3://mlmarket-batch-111122223333/output/" }
        TransformResources      = { InstanceType = "ml.m5.xlarge", InstanceCount = 1 }
        BatchStrategy           = "MultiRecord"
        MaxConcurrentTransforms = 2
        MaxPayloadInMB          = 60
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "pass_transform_concurrent_payload_at_limit" {
  pipeline_name         = "mlmarket-010-pass-transform-concurrent-payload-at-limit"
  pipeline_display_name = "mlmarket-010-pass-transform-concurrent-payload-at-limit"
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
        TransformOutput         = { S3OutputPath = "s3://mlmarket-batch-111122223333/output/" }
        TransformResources      = { InstanceType = "ml.m5.xlarge", InstanceCount = 1 }
        BatchStrategy           = "MultiRecord"
        MaxConcurrentTransforms = 4
        MaxPayloadInMB          = 25
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "pass_transform_payload_omitted" {
  pipeline_name         = "mlmarket-010-pass-transform-payload-omitted"
  pipeline_display_name = "mlmarket-010-pass-transform-payload-omitted"
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
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "unknown_transform_payload_parameter" {
  pipeline_name         = "mlmarket-010-unknown-transform-payload-parameter"
  pipeline_display_name = "mlmarket-010-unknown-transform-payload-parameter"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version    = "2020-12-01"
    Parameters = [{ Name = "MaxPayloadInMB", Type = "Integer", DefaultValue = 50 }]
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
        MaxPayloadInMB     = { Get = "Parameters.MaxPayloadInMB" }
      }
    }]
  })
}
