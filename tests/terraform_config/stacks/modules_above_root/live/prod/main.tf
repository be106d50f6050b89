# The root module lives below the modules it calls (live/prod -> ../../modules/endpoint -> ../model), the
# layout of a repository with one directory per environment. Scanned as live/prod.
terraform {
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

locals {
  models = {
    ranker = "1.2.0"
    scorer = "2.0.1"
  }
}

module "east" {
  source    = "../../modules/endpoint"
  for_each  = local.models
  name      = each.key
  image_tag = each.value
}

module "west" {
  source        = "../../modules/endpoint"
  count         = 1
  providers     = { aws = aws.west }
  name          = "west-ranker"
  image_tag     = "1.2.0"
  instance_type = "ml.g5.xlarge"
}
