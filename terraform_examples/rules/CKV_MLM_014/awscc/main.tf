# CKV_MLM_014 (package not derived from a built-in or subscribed algorithm) with the
# awscc provider: model packages whose source_algorithm_specification names an
# algorithm in another seller's account (a subscription), in an AWS-owned account, in
# the seller's own account (by ARN and by name), and a package with no source
# algorithm at all.

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

resource "awscc_sagemaker_model_package" "fail_subscribed_algorithm" {
  model_package_name        = "mlmarket-014-cc-fail-subscribed-algorithm"
  model_package_description = "Model package trained with arn:aws:sagemaker:us-east-1:444455556666:algorithm/their-algorithm."

  source_algorithm_specification = {
    source_algorithms = [{
      algorithm_name = "arn:aws:sagemaker:us-east-1:444455556666:algorithm/their-algorithm"
      model_data_url = "s3://mlmarket-models-111122223333/014/model.tar.gz"
    }]
  }
}

resource "awscc_sagemaker_model_package" "fail_aws_owned_algorithm" {
  model_package_name        = "mlmarket-014-cc-fail-aws-owned-algorithm"
  model_package_description = "Model package trained with arn:aws:sagemaker:us-east-1:683313688378:algorithm/xgboost."

  source_algorithm_specification = {
    source_algorithms = [{
      algorithm_name = "arn:aws:sagemaker:us-east-1:683313688378:algorithm/xgboost"
      model_data_url = "s3://mlmarket-models-111122223333/014/model.tar.gz"
    }]
  }
}

resource "awscc_sagemaker_model_package" "pass_own_algorithm_arn" {
  model_package_name        = "mlmarket-014-cc-pass-own-algorithm-arn"
  model_package_description = "Model package trained with arn:aws:sagemaker:us-east-1:111122223333:algorithm/my-algorithm."

  source_algorithm_specification = {
    source_algorithms = [{
      algorithm_name = "arn:aws:sagemaker:us-east-1:111122223333:algorithm/my-algorithm"
      model_data_url = "s3://mlmarket-models-111122223333/014/model.tar.gz"
    }]
  }
}

resource "awscc_sagemaker_model_package" "pass_own_algorithm_name" {
  model_package_name        = "mlmarket-014-cc-pass-own-algorithm-name"
  model_package_description = "Model package trained with my-algorithm."

  source_algorithm_specification = {
    source_algorithms = [{
      algorithm_name = "my-algorithm"
      model_data_url = "s3://mlmarket-models-111122223333/014/model.tar.gz"
    }]
  }
}

resource "awscc_sagemaker_model_package" "pass_no_source_algorithm" {
  model_package_name        = "mlmarket-014-cc-pass-no-source-algorithm"
  model_package_description = "Model package built from the seller's own inference image."

  inference_specification = {
    containers                                  = [{ image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0" }]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]
  }
}
