# CKV_MLM_017 (model package can be certified) with the awscc provider: model packages
# certified for Marketplace with a validation_specification (certifiable), in a model
# package group (versioned), without a validation_specification, or skipping
# validation; one not certified; and algorithms, which awscc cannot give a
# validation_specification, certified or not.

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

resource "aws_s3_bucket" "support_validation_data" {
  bucket = "mlmarket-017-validation-data-111122223333"
}

resource "awscc_sagemaker_model_package" "pass_certified_with_validation" {
  model_package_name      = "mlmarket-017-cc-pass-certified-with-validation"
  certify_for_marketplace = true

  inference_specification = {
    containers                                  = [{ image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0" }]
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
        max_payload_in_mb = 6
        transform_input = {
          content_type = "text/csv"
          data_source = {
            s3_data_source = {
              s3_data_type = "S3Prefix"
              s3_uri       = "s3://${aws_s3_bucket.support_validation_data.bucket}/input/"
            }
          }
        }
        transform_output = {
          s3_output_path = "s3://${aws_s3_bucket.support_validation_data.bucket}/output/"
        }
        transform_resources = {
          instance_type  = "ml.m5.xlarge"
          instance_count = 1
        }
      }
    }]
  }
}

resource "awscc_sagemaker_model_package" "fail_versioned_package" {
  certify_for_marketplace  = true
  model_package_group_name = "mlmarket-017-models"

  inference_specification = {
    containers                                  = [{ image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0" }]
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
        max_payload_in_mb = 6
        transform_input = {
          content_type = "text/csv"
          data_source = {
            s3_data_source = {
              s3_data_type = "S3Prefix"
              s3_uri       = "s3://${aws_s3_bucket.support_validation_data.bucket}/input/"
            }
          }
        }
        transform_output = {
          s3_output_path = "s3://${aws_s3_bucket.support_validation_data.bucket}/output/"
        }
        transform_resources = {
          instance_type  = "ml.m5.xlarge"
          instance_count = 1
        }
      }
    }]
  }
}

resource "awscc_sagemaker_model_package" "fail_certified_without_validation" {
  model_package_name      = "mlmarket-017-cc-fail-certified-without-validation"
  certify_for_marketplace = true

  inference_specification = {
    containers                                  = [{ image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0" }]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]
  }
}

resource "awscc_sagemaker_model_package" "fail_validation_skipped" {
  model_package_name      = "mlmarket-017-cc-fail-validation-skipped"
  certify_for_marketplace = true
  skip_model_validation   = "All"

  inference_specification = {
    containers                                  = [{ image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0" }]
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
        max_payload_in_mb = 6
        transform_input = {
          content_type = "text/csv"
          data_source = {
            s3_data_source = {
              s3_data_type = "S3Prefix"
              s3_uri       = "s3://${aws_s3_bucket.support_validation_data.bucket}/input/"
            }
          }
        }
        transform_output = {
          s3_output_path = "s3://${aws_s3_bucket.support_validation_data.bucket}/output/"
        }
        transform_resources = {
          instance_type  = "ml.m5.xlarge"
          instance_count = 1
        }
      }
    }]
  }
}

resource "awscc_sagemaker_model_package" "pass_not_certified_versioned" {
  certify_for_marketplace  = false
  model_package_group_name = "mlmarket-017-models"

  inference_specification = {
    containers                                  = [{ image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0" }]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]
  }
}

resource "awscc_sagemaker_algorithm" "fail_certified_algorithm_without_validation" {
  algorithm_name          = "mlmarket-017-cc-fail-certified-algorithm-without-validation"
  certify_for_marketplace = true

  training_specification = {
    training_image                    = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    supported_training_instance_types = ["ml.m5.xlarge"]
    training_channels = [{
      name                    = "train"
      supported_content_types = ["text/csv"]
      supported_input_modes   = ["File"]
    }]
  }
}

resource "awscc_sagemaker_algorithm" "pass_algorithm_not_certified" {
  algorithm_name          = "mlmarket-017-cc-pass-algorithm-not-certified"
  certify_for_marketplace = false

  training_specification = {
    training_image                    = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model-training:1.0"
    supported_training_instance_types = ["ml.m5.xlarge"]
    training_channels = [{
      name                    = "train"
      supported_content_types = ["text/csv"]
      supported_input_modes   = ["File"]
    }]
  }
}
