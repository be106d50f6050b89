# terraform.workspace (the test selects "staging" with TF_WORKSPACE) chooses the region and names; the
# aws_region and aws_partition data sources follow their provider's region.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

locals {
  settings = {
    default = { region = "us-east-1", instance_type = "ml.m5.large" }
    staging = { region = "eu-west-1", instance_type = "ml.c5.xlarge" }
  }
  current = local.settings[terraform.workspace]
}

provider "aws" {
  region                      = local.current.region
  access_key                  = "mock_access_key"
  secret_key                  = "mock_secret_key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

provider "aws" {
  alias                       = "ohio"
  region                      = "us-east-2"
  access_key                  = "mock_access_key"
  secret_key                  = "mock_secret_key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

data "aws_region" "current" {}

data "aws_partition" "current" {}

data "aws_region" "ohio" {
  provider = aws.ohio
}

resource "aws_s3_bucket" "artifacts" {
  bucket = "mlmarket-${terraform.workspace}-artifacts"
}

resource "aws_sagemaker_model" "workspace" {
  name                     = "model-${terraform.workspace}"
  execution_role_arn       = "arn:${data.aws_partition.current.partition}:iam::111122223333:role/sagemaker-execution"
  enable_network_isolation = terraform.workspace != "default"

  primary_container {
    image          = "111122223333.dkr.ecr.${data.aws_region.current.name}.${data.aws_partition.current.dns_suffix}/model:${terraform.workspace}"
    model_data_url = "https://${aws_s3_bucket.artifacts.bucket}.s3.${data.aws_region.current.name}.amazonaws.com/model.tar.gz"
  }
}

resource "aws_sagemaker_model" "ohio" {
  provider                 = aws.ohio
  name                     = "model-ohio-${terraform.workspace}"
  execution_role_arn       = "arn:${data.aws_partition.current.partition}:iam::111122223333:role/sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.${data.aws_region.ohio.name}.amazonaws.com/model:${terraform.workspace}"
    # The bucket lives in the default provider's region, not Ohio's.
    model_data_url = "s3://${aws_s3_bucket.artifacts.bucket}/model.tar.gz"
  }
}

resource "aws_sagemaker_endpoint_configuration" "workspace" {
  name = "config-${terraform.workspace}"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.workspace.name
    instance_type          = local.current.instance_type
    initial_instance_count = 1
  }
}
