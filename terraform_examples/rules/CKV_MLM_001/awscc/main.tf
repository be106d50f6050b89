# CKV_MLM_001 (containers run network-isolated) with the awscc provider: models with
# enable_network_isolation true, false and unset.

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

resource "awscc_sagemaker_model" "pass_isolation_enabled" {
  model_name               = "mlmarket-001-cc-pass-isolation-enabled"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = true
  primary_container = {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "awscc_sagemaker_model" "fail_isolation_disabled" {
  model_name               = "mlmarket-001-cc-fail-isolation-disabled"
  execution_role_arn       = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  enable_network_isolation = false
  primary_container = {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}

resource "awscc_sagemaker_model" "fail_isolation_absent" {
  model_name         = "mlmarket-001-cc-fail-isolation-absent"
  execution_role_arn = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  primary_container = {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
  }
}
