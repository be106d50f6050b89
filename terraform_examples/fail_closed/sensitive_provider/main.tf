# Sensitive variables in the provider configuration. A plan's `variables` section holds every value in clear,
# sensitive ones included; only `configuration.root_module.variables.<name>.sensitive` says which are sensitive.
# None of the planted secret below may appear in any mlmarket output (tests/test_sensitive_values.py).

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

variable "region" {
  type      = string
  sensitive = true
  default   = "planted-secret-7f3a9c-region"
}

variable "seller_accounts" {
  type      = list(string)
  sensitive = true
  default   = ["planted-secret-7f3a9c-account"]
}

provider "aws" {
  region                      = var.region
  skip_region_validation      = true
  access_key                  = "mock_access_key"
  secret_key                  = "mock_secret_key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

# Terraform cannot plan offline with allowed_account_ids on a provider that a resource uses ("AWS account ID not
# allowed"), so the pin sits on a configuration no resource uses: the plan still shows it, and the reader reads
# every aws provider configuration's pin.
provider "aws" {
  alias                       = "pinned"
  region                      = "us-east-1"
  allowed_account_ids         = var.seller_accounts
  access_key                  = "mock_access_key"
  secret_key                  = "mock_secret_key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

resource "aws_sagemaker_model" "fail_isolation" {
  name                     = "mlmarket-sensitive-provider"
  execution_role_arn       = "arn:aws:iam::111122223333:role/sagemaker"
  enable_network_isolation = false

  primary_container {
    image = "444455556666.dkr.ecr.eu-west-1.amazonaws.com/my-model:1.0"
  }
}
