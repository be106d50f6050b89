# CKV_MLM_005 (model artifacts in the same region) with hashicorp/aws 5.x: models in
# us-east-1 whose artifacts are in an in-configuration bucket of the same region or of
# us-west-2 (provider aws.west), referenced or named literally; regional S3 URL hosts;
# model_data_source; and a bucket that is neither in the configuration nor in the URL.

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

provider "aws" {
  alias                       = "west"
  region                      = "us-west-2"
  access_key                  = "mock_access_key"
  secret_key                  = "mock_secret_key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

resource "aws_s3_bucket" "support_east_bucket" {
  bucket = "mlmarket-005-artifacts-east-111122223333"
}

resource "aws_s3_bucket" "support_west_bucket" {
  provider = aws.west
  bucket   = "mlmarket-005-artifacts-west-111122223333"
}

resource "aws_sagemaker_model" "pass_in_config_bucket_same_region" {
  name                     = "mlmarket-005-pass-in-config-bucket-same-region"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
    model_data_url = "s3://${aws_s3_bucket.support_east_bucket.bucket}/model/model.tar.gz"
  }
}

resource "aws_sagemaker_model" "fail_in_config_bucket_other_region" {
  name                     = "mlmarket-005-fail-in-config-bucket-other-region"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
    model_data_url = "s3://${aws_s3_bucket.support_west_bucket.bucket}/model/model.tar.gz"
  }
}

# The bucket is named literally; it is still the in-configuration bucket of that name.
resource "aws_sagemaker_model" "fail_literal_name_of_other_region_bucket" {
  name                     = "mlmarket-005-fail-literal-name-other-region-bucket"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
    model_data_url = "s3://mlmarket-005-artifacts-west-111122223333/model/model.tar.gz"
  }
}

resource "aws_sagemaker_model" "pass_regional_url_same_region" {
  name                     = "mlmarket-005-pass-regional-url-same-region"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
    model_data_url = "https://mlmarket-external-models.s3.us-east-1.amazonaws.com/model.tar.gz"
  }
}

resource "aws_sagemaker_model" "fail_regional_url_other_region" {
  name                     = "mlmarket-005-fail-regional-url-other-region"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
    model_data_url = "https://mlmarket-external-models.s3.us-west-2.amazonaws.com/model.tar.gz"
  }
}

resource "aws_sagemaker_model" "pass_model_data_source_same_region" {
  name                     = "mlmarket-005-pass-model-data-source-same-region"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"

    model_data_source {
      s3_data_source {
        s3_uri           = "s3://${aws_s3_bucket.support_east_bucket.bucket}/model/"
        s3_data_type     = "S3Prefix"
        compression_type = "None"
      }
    }
  }
}

resource "aws_sagemaker_model" "fail_model_data_source_other_region" {
  name                     = "mlmarket-005-fail-model-data-source-other-region"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"

    model_data_source {
      s3_data_source {
        s3_uri           = "s3://${aws_s3_bucket.support_west_bucket.bucket}/model/model.tar.gz"
        s3_data_type     = "S3Object"
        compression_type = "Gzip"
      }
    }
  }
}

resource "aws_sagemaker_model" "unknown_bucket_not_in_config" {
  name                     = "mlmarket-005-unknown-bucket-not-in-config"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
    model_data_url = "s3://mlmarket-external-models/model.tar.gz"
  }
}
