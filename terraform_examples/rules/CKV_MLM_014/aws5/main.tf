# CKV_MLM_014 (package not derived from a built-in or subscribed algorithm) with
# hashicorp/aws 5.x: pipelines whose RegisterModel step registers a model package from
# an algorithm in another seller's account, in an AWS-owned account, in the seller's
# own account, or from the seller's own inference image.

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

resource "aws_sagemaker_pipeline" "fail_register_subscribed_algorithm" {
  pipeline_name         = "mlmarket-014-fail-register-subscribed-algorithm"
  pipeline_display_name = "mlmarket-014-fail-register-subscribed-algorithm"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "RegisterModel"
      Type = "RegisterModel"
      Arguments = {
        ModelPackageName        = "mlmarket-014-fail-register-subscribed-algorithm"
        ModelPackageDescription = "Registered by the pipeline."
        SourceAlgorithmSpecification = {
          SourceAlgorithms = [{ AlgorithmName = "arn:aws:sagemaker:us-east-1:444455556666:algorithm/their-algorithm" }]
        }
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_register_aws_owned_algorithm" {
  pipeline_name         = "mlmarket-014-fail-register-aws-owned-algorithm"
  pipeline_display_name = "mlmarket-014-fail-register-aws-owned-algorithm"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "RegisterModel"
      Type = "RegisterModel"
      Arguments = {
        ModelPackageName        = "mlmarket-014-fail-register-aws-owned-algorithm"
        ModelPackageDescription = "Registered by the pipeline."
        SourceAlgorithmSpecification = {
          SourceAlgorithms = [{ AlgorithmName = "arn:aws:sagemaker:us-east-1:683313688378:algorithm/xgboost" }]
        }
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "pass_register_own_algorithm" {
  pipeline_name         = "mlmarket-014-pass-register-own-algorithm"
  pipeline_display_name = "mlmarket-014-pass-register-own-algorithm"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "RegisterModel"
      Type = "RegisterModel"
      Arguments = {
        ModelPackageName        = "mlmarket-014-pass-register-own-algorithm"
        ModelPackageDescription = "Registered by the pipeline."
        SourceAlgorithmSpecification = {
          SourceAlgorithms = [{ AlgorithmName = "arn:aws:sagemaker:us-east-1:111122223333:algorithm/my-algorithm" }]
        }
      }
    }]
  })
}

resource "aws_sagemaker_pipeline" "pass_register_without_source_algorithm" {
  pipeline_name         = "mlmarket-014-pass-register-without-source-algorithm"
  pipeline_display_name = "mlmarket-014-pass-register-without-source-algorithm"
  role_arn              = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "RegisterModel"
      Type = "RegisterModel"
      Arguments = {
        ModelPackageName        = "mlmarket-014-pass-register-without-source-algorithm"
        ModelPackageDescription = "Registered by the pipeline."
        InferenceSpecification = {
          Containers                              = [{ Image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0" }]
          SupportedContentTypes                   = ["text/csv"]
          SupportedResponseMIMETypes              = ["text/csv"]
          SupportedRealtimeInferenceInstanceTypes = ["ml.m5.xlarge"]
          SupportedTransformInstanceTypes         = ["ml.m5.xlarge"]
        }
      }
    }]
  })
}
