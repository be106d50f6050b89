# End to end: a realistic compliant seller stack. The seller's ECR repository, artifact
# bucket and execution role; a network-isolated model and an instance-based endpoint
# configuration for testing; and the Marketplace model package (awscc), certified,
# unversioned, with a validation profile and supported instance types. Every mlmarket
# rule passes.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    awscc = {
      source  = "hashicorp/awscc"
      version = ">= 1.0"
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

provider "awscc" {
  region = "us-east-1"
}

resource "aws_ecr_repository" "model" {
  name                 = "mlmarket-seller-model"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_s3_bucket" "artifacts" {
  bucket = "mlmarket-seller-artifacts-111122223333"
}

resource "aws_iam_role" "sagemaker_execution" {
  name = "mlmarket-seller-sagemaker-execution"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_sagemaker_model" "model" {
  name                     = "mlmarket-seller-model"
  execution_role_arn       = aws_iam_role.sagemaker_execution.arn
  enable_network_isolation = true

  primary_container {
    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/mlmarket-seller-model:1.0"
    model_data_url = "s3://${aws_s3_bucket.artifacts.bucket}/model/model.tar.gz"
  }
}

resource "aws_sagemaker_endpoint_configuration" "model" {
  name = "mlmarket-seller-model"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }
}

resource "awscc_sagemaker_model_package" "listing" {
  model_package_name        = "mlmarket-seller-model"
  model_package_description = "Tabular churn model for AWS Marketplace."
  certify_for_marketplace   = true

  inference_specification = {
    containers = [{
      image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/mlmarket-seller-model:1.0"
      model_data_url = "s3://${aws_s3_bucket.artifacts.bucket}/model/model.tar.gz"
    }]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge", "ml.c5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]
  }

  validation_specification = {
    validation_role = aws_iam_role.sagemaker_execution.arn
    validation_profiles = [{
      profile_name = "batch-validation"
      transform_job_definition = {
        max_concurrent_transforms = 1
        max_payload_in_mb         = 6
        transform_input = {
          content_type = "text/csv"
          split_type   = "Line"
          data_source = {
            s3_data_source = {
              s3_data_type = "S3Prefix"
              s3_uri       = "s3://${aws_s3_bucket.artifacts.bucket}/validation/input/"
            }
          }
        }
        transform_output = {
          s3_output_path = "s3://${aws_s3_bucket.artifacts.bucket}/validation/output/"
        }
        transform_resources = {
          instance_type  = "ml.m5.xlarge"
          instance_count = 1
        }
      }
    }]
  }
}
