# A configuration with no resources: its plan has an empty planned_values and no resource_changes at all
# (Terraform leaves the key out), and a data source read at plan time sits in prior_state. It is a real, empty
# plan: it scans with no result and exit 0, unlike a plan whose planned_values holds resources that
# resource_changes does not describe.

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

data "aws_region" "current" {}

output "region" {
  value = data.aws_region.current.name
}
