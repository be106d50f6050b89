# CKV_MLM_016 (endpoint volume size allowed) with hashicorp/aws 5.x: volume_size_in_gb
# at the upper (512) and lower (1) limits and absent on ml.m5.xlarge (EBS-backed), and
# set or absent on ml.g5.xlarge and ml.m5d.xlarge (NVMe instance storage: no volume
# size allowed). Values outside 1..512 cannot be planned with hashicorp/aws 5.x (the
# provider rejects them): they are in ../aws5_hcl_only.

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

resource "aws_sagemaker_model" "support_model" {
  name                     = "mlmarket-016-model"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "aws_sagemaker_endpoint_configuration" "pass_at_limit" {
  name = "mlmarket-016-pass-at-limit"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
    volume_size_in_gb      = 512
  }
}

resource "aws_sagemaker_endpoint_configuration" "pass_at_lower_limit" {
  name = "mlmarket-016-pass-at-lower-limit"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
    volume_size_in_gb      = 1
  }
}

resource "aws_sagemaker_endpoint_configuration" "pass_volume_absent" {
  name = "mlmarket-016-pass-volume-absent"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }
}

resource "aws_sagemaker_endpoint_configuration" "fail_volume_on_nvme_instance" {
  name = "mlmarket-016-fail-volume-on-nvme-instance"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.g5.xlarge"
    initial_instance_count = 1
    volume_size_in_gb      = 100
  }
}

resource "aws_sagemaker_endpoint_configuration" "pass_nvme_instance_without_volume" {
  name = "mlmarket-016-pass-nvme-instance-without-volume"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.g5.xlarge"
    initial_instance_count = 1
  }
}

resource "aws_sagemaker_endpoint_configuration" "fail_volume_on_d_family_instance" {
  name = "mlmarket-016-fail-volume-on-d-family-instance"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.support_model.name
    instance_type          = "ml.m5d.xlarge"
    initial_instance_count = 1
    volume_size_in_gb      = 30
  }
}
