# CKV_MLM_005 (model artifacts in the same region) with the awscc provider: model
# packages in us-east-1 whose inference container artifacts, source algorithm artifacts
# and validation transform inputs are in a bucket of us-east-1, of us-west-2 (created
# with provider aws.west, or named by a regional URL host), or in a bucket the
# configuration does not declare; and awscc models with primary_container and
# containers.

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

provider "aws" {
  alias                       = "west"
  region                      = "us-west-2"
  access_key                  = "mock_access_key"
  secret_key                  = "mock_secret_key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

provider "awscc" {
  region = "us-east-1"
}

resource "aws_s3_bucket" "support_east_bucket" {
  bucket = "mlmarket-005-cc-east-111122223333"
}

resource "aws_s3_bucket" "support_west_bucket" {
  provider = aws.west
  bucket   = "mlmarket-005-cc-west-111122223333"
}

resource "awscc_sagemaker_model_package" "pass_artifacts_and_validation_same_region" {
  model_package_name      = "mlmarket-005-cc-pass-same-region"
  certify_for_marketplace = true

  inference_specification = {
    containers = [{
      image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
      model_data_url = "s3://${aws_s3_bucket.support_east_bucket.bucket}/model/model.tar.gz"
    }]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]
  }

  validation_specification = {
    validation_role = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-validation"
    validation_profiles = [{
      profile_name = "batch-validation"
      transform_job_definition = {
        transform_input = {
          content_type = "text/csv"
          data_source = {
            s3_data_source = {
              s3_data_type = "S3Prefix"
              s3_uri       = "s3://${aws_s3_bucket.support_east_bucket.bucket}/validation/input/"
            }
          }
        }
        transform_output = {
          s3_output_path = "s3://${aws_s3_bucket.support_east_bucket.bucket}/validation/output/"
        }
        transform_resources = {
          instance_type  = "ml.m5.xlarge"
          instance_count = 1
        }
      }
    }]
  }
}

resource "awscc_sagemaker_model_package" "fail_validation_input_other_region" {
  model_package_name      = "mlmarket-005-cc-fail-validation-input-other-region"
  certify_for_marketplace = true

  inference_specification = {
    containers = [{
      image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
      model_data_url = "s3://${aws_s3_bucket.support_east_bucket.bucket}/model/model.tar.gz"
    }]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]
  }

  validation_specification = {
    validation_role = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-validation"
    validation_profiles = [{
      profile_name = "batch-validation"
      transform_job_definition = {
        transform_input = {
          content_type = "text/csv"
          data_source = {
            s3_data_source = {
              s3_data_type = "S3Prefix"
              s3_uri       = "s3://${aws_s3_bucket.support_west_bucket.bucket}/validation/input/"
            }
          }
        }
        transform_output = {
          s3_output_path = "s3://${aws_s3_bucket.support_east_bucket.bucket}/validation/output/"
        }
        transform_resources = {
          instance_type  = "ml.m5.xlarge"
          instance_count = 1
        }
      }
    }]
  }
}

resource "awscc_sagemaker_model_package" "fail_source_algorithm_artifacts_other_region" {
  model_package_name = "mlmarket-005-cc-fail-source-algorithm-artifacts"

  source_algorithm_specification = {
    source_algorithms = [{
      algorithm_name = "my-algorithm"
      model_data_url = "https://mlmarket-external-models.s3.us-west-2.amazonaws.com/model.tar.gz"
    }]
  }
}

resource "awscc_sagemaker_model_package" "unknown_container_artifacts_not_in_config" {
  model_package_name = "mlmarket-005-cc-unknown-container-artifacts"

  inference_specification = {
    containers = [{
      image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
      model_data_url = "s3://mlmarket-external-models/model.tar.gz"
    }]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]
  }
}

resource "awscc_sagemaker_model" "pass_primary_container_same_region" {
  model_name               = "mlmarket-005-cc-pass-primary-container"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container = {
    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
    model_data_url = "s3://mlmarket-005-cc-east-111122223333/model/model.tar.gz"
  }
}

resource "awscc_sagemaker_model" "fail_containers_other_region" {
  model_name               = "mlmarket-005-cc-fail-containers"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  containers = [
    {
      image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-preprocessor:1.0"
      model_data_url = "s3://mlmarket-005-cc-east-111122223333/preprocessor/model.tar.gz"
    },
    {
      image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
      model_data_url = "s3://mlmarket-005-cc-west-111122223333/model/model.tar.gz"
    },
  ]
}
