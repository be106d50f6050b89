# count and for_each guards: resources and module calls switched on and off by variables, instances filtered
# by a for expression, references to guarded instances (`[0]`, `one()`, splats), and an image from a
# repository the configuration creates (known only after apply).
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

variable "create_bucket" {
  type    = bool
  default = true
}

variable "create_async" {
  type    = bool
  default = false
}

variable "enable_endpoint" {
  type    = bool
  default = true
}

variable "model_names" {
  type    = list(string)
  default = ["ranker", "skip", "scorer"]
}

resource "aws_s3_bucket" "artifacts" {
  count  = var.create_bucket ? 1 : 0
  bucket = "mlmarket-guarded-artifacts"
}

resource "aws_ecr_repository" "model" {
  count = 1
  name  = "mlmarket-guarded"
}

resource "aws_sagemaker_model" "guarded" {
  count                    = length(aws_s3_bucket.artifacts)
  name                     = "guarded-${count.index}"
  execution_role_arn       = "arn:aws:iam::111122223333:role/sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image          = "${aws_ecr_repository.model[0].repository_url}:1.0"
    model_data_url = "s3://${aws_s3_bucket.artifacts[0].bucket}/model.tar.gz"
  }
}

resource "aws_sagemaker_model" "never" {
  count              = var.create_async ? 1 : 0
  name               = "never"
  execution_role_arn = "arn:aws:iam::111122223333:role/sagemaker-execution"

  primary_container {
    image = "docker.io/library/never:latest"
  }
}

resource "aws_sagemaker_model" "per_name" {
  for_each                 = toset([for name in var.model_names : name if name != "skip"])
  name                     = each.key
  execution_role_arn       = "arn:aws:iam::111122223333:role/sagemaker-execution"
  enable_network_isolation = each.key == "ranker"

  primary_container {
    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/${each.key}:1"
    model_data_url = one(aws_s3_bucket.artifacts[*].bucket) == null ? null : "s3://${one(aws_s3_bucket.artifacts[*].bucket)}/${each.key}.tar.gz"
  }
}

module "endpoint" {
  source        = "./modules/endpoint"
  count         = var.enable_endpoint ? 1 : 0
  model_name    = aws_sagemaker_model.per_name["ranker"].name
  instance_type = "ml.m5.large"
}

module "disabled_endpoint" {
  source        = "./modules/endpoint"
  count         = 0
  model_name    = "unused"
  instance_type = "ml.p4d.24xlarge"
}
