# End to end: one local module (modules/sagemaker_model) called twice, once with the
# default provider (us-east-1, from var.region) and once with aws.west (us-west-2)
# passed in as its aws provider. Each call creates two models with for_each; in each
# region one model uses an image from its own region and one an image from the other.
# Both regions hold two models, so the tie goes to the default provider's region and
# the us-west-2 models are outside the publishing region.

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
  description = "Region of the default provider: the stack's publishing region."
  type        = string
  default     = "us-east-1"
}

provider "aws" {
  region                      = var.region
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

module "east" {
  source = "./modules/sagemaker_model"

  name_prefix        = "mlmarket-east"
  execution_role_arn = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  images = {
    ranker = "111122223333.dkr.ecr.us-east-1.amazonaws.com/ranker:1.0"
    scorer = "111122223333.dkr.ecr.us-west-2.amazonaws.com/scorer:1.0"
  }
}

module "west" {
  source = "./modules/sagemaker_model"
  providers = {
    aws = aws.west
  }

  name_prefix        = "mlmarket-west"
  execution_role_arn = "arn:aws:iam::111122223333:role/mlmarket-sagemaker-execution"
  images = {
    ranker = "111122223333.dkr.ecr.us-west-2.amazonaws.com/ranker:1.0"
    scorer = "111122223333.dkr.ecr.us-east-1.amazonaws.com/scorer:1.0"
  }
}
