# CKV_MLM_010 (batch payload <= 100 MB) with the awscc provider: model packages whose
# validation transform jobs set max_payload_in_mb at the limit, one past it and not at
# all, and max_concurrent_transforms x max_payload_in_mb at and over the limit. The
# validation data bucket is created with hashicorp/aws in the same region.

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
  bucket = "mlmarket-010-validation-data-111122223333"
}

resource "awscc_sagemaker_model_package" "pass_payload_at_limit" {
  model_package_name        = "mlmarket-010-cc-pass-payload-at-limit"
  model_package_description = "Validation batch payload of 100 MB, one concurrent transform."
  certify_for_marketplace   = true

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
        max_payload_in_mb = 100
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

resource "awscc_sagemaker_model_package" "fail_payload_one_past_limit" {
  model_package_name        = "mlmarket-010-cc-fail-payload-one-past-limit"
  model_package_description = "Validation batch payload of 101 MB."
  certify_for_marketplace   = true

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
        max_payload_in_mb = 101
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

resource "awscc_sagemaker_model_package" "fail_concurrent_payload_over_limit" {
  model_package_name        = "mlmarket-010-cc-fail-concurrent-payload-over-limit"
  model_package_description = "2 concurrent transforms of 60 MB: 120 MB in flight."
  certify_for_marketplace   = true

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
        max_concurrent_transforms = 2
        max_payload_in_mb         = 60
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

resource "awscc_sagemaker_model_package" "pass_concurrent_payload_at_limit" {
  model_package_name        = "mlmarket-010-cc-pass-concurrent-payload-at-limit"
  model_package_description = "4 concurrent transforms of 25 MB: 100 MB in flight."
  certify_for_marketplace   = true

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
        max_concurrent_transforms = 4
        max_payload_in_mb         = 25
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

resource "awscc_sagemaker_model_package" "pass_payload_omitted" {
  model_package_name        = "mlmarket-010-cc-pass-payload-omitted"
  model_package_description = "No max_payload_in_mb: SageMaker's default (6 MB)."
  certify_for_marketplace   = true

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
