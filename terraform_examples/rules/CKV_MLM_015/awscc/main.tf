# CKV_MLM_015 (instance types valid for their use) with the awscc provider: model
# packages whose supported real-time and transform instance types are valid, contain a
# nonexistent type or a type of another use (ml.t2.medium is hosting-only, so not a
# transform type), or are empty lists.

terraform {
  required_version = ">= 1.5"
  required_providers {
    awscc = {
      source  = "hashicorp/awscc"
      version = ">= 1.0"
    }
  }
}

provider "awscc" {
  region = "us-east-1"
}

resource "awscc_sagemaker_model_package" "pass_supported_instance_types" {
  model_package_name = "mlmarket-015-cc-pass-supported-instance-types"

  inference_specification = {
    containers                                  = [{ image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0" }]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge", "ml.g5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]
  }
}

resource "awscc_sagemaker_model_package" "pass_transform_only" {
  model_package_name = "mlmarket-015-cc-pass-transform-only"

  inference_specification = {
    containers                         = [{ image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0" }]
    supported_content_types            = ["text/csv"]
    supported_response_mime_types      = ["text/csv"]
    supported_transform_instance_types = ["ml.m5.xlarge", "ml.c5.xlarge"]
  }
}

resource "awscc_sagemaker_model_package" "fail_unknown_realtime_type" {
  model_package_name = "mlmarket-015-cc-fail-unknown-realtime-type"

  inference_specification = {
    containers                                  = [{ image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0" }]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge", "ml.m5.fake"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]
  }
}

resource "awscc_sagemaker_model_package" "fail_hosting_only_transform_type" {
  model_package_name = "mlmarket-015-cc-fail-hosting-only-transform-type"

  inference_specification = {
    containers                                  = [{ image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0" }]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge"]
    supported_transform_instance_types          = ["ml.t2.medium"]
  }
}

resource "awscc_sagemaker_model_package" "fail_empty_realtime_types" {
  model_package_name = "mlmarket-015-cc-fail-empty-realtime-types"

  inference_specification = {
    containers                                  = [{ image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0" }]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = []
    supported_transform_instance_types          = ["ml.m5.xlarge"]
  }
}

resource "awscc_sagemaker_model_package" "fail_empty_transform_types" {
  model_package_name = "mlmarket-015-cc-fail-empty-transform-types"

  inference_specification = {
    containers                                  = [{ image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0" }]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge"]
    supported_transform_instance_types          = []
  }
}
