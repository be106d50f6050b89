# A model whose image and environment come from sensitive variables. Nothing Terraform marks sensitive may
# appear in any mlmarket output: the secret below is grepped for in every report format by the tests.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
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

variable "model_image" {
  type      = string
  sensitive = true
  default   = "111122223333.dkr.ecr.us-east-1.amazonaws.com/model-planted-secret-7f3a9c:1.0"
}

variable "api_token" {
  type      = string
  sensitive = true
  default   = "planted-secret-7f3a9c-token"
}

resource "aws_sagemaker_model" "secretive" {
  name                     = "secretive"
  execution_role_arn       = "arn:aws:iam::111122223333:role/sagemaker"
  enable_network_isolation = false

  primary_container {
    image = var.model_image
    environment = {
      API_TOKEN = var.api_token
    }
  }
}
