# Variables from every place Terraform reads them, in its precedence (lowest first): defaults, TF_VAR_
# environment variables, terraform.tfvars, terraform.tfvars.json, *.auto.tfvars and *.auto.tfvars.json in
# lexical order, then -var-file and -var in the order given. The test passes, in this order:
#   TF_VAR_model_name=env-name  TF_VAR_isolation=true  TF_VAR_tags={team="ml"}
#   -var-file=vars/prod.tfvars  -var-file=vars/override.tfvars.json
#   -var image_tag=3.0.0  -var serverless={memory=2048,concurrency=5}
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region                      = var.region
  access_key                  = "mock_access_key"
  secret_key                  = "mock_secret_key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variable "region" {
  type    = string
  default = "us-west-2" # terraform.tfvars says us-east-1
}

variable "model_name" {
  type    = string
  default = "default-name" # TF_VAR_, terraform.tfvars.json, a.auto.tfvars, b.auto.tfvars.json: the last wins
}

variable "isolation" {
  type    = bool
  default = false # TF_VAR_isolation=true
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "variants" {
  type = list(object({
    name          = string
    instance_type = string
    volume        = optional(number)
  }))
  # no default: vars/prod.tfvars sets it
}

variable "image_tag" {
  type = string # vars/prod.tfvars, then vars/override.tfvars.json, then -var
}

variable "artifact_bucket" {
  type    = string
  default = "default-bucket" # c.auto.tfvars
}

variable "serverless" {
  type = object({
    memory      = number
    concurrency = number
  })
  default = null
}

resource "aws_sagemaker_model" "this" {
  name                     = var.model_name
  execution_role_arn       = "arn:aws:iam::111122223333:role/sagemaker-execution"
  enable_network_isolation = var.isolation
  tags                     = var.tags

  primary_container {
    image          = "111122223333.dkr.ecr.${var.region}.amazonaws.com/model:${var.image_tag}"
    model_data_url = "s3://${var.artifact_bucket}/model.tar.gz"
  }
}

resource "aws_sagemaker_endpoint_configuration" "realtime" {
  name = "${var.model_name}-realtime"

  dynamic "production_variants" {
    for_each = var.variants
    content {
      variant_name           = production_variants.value.name
      model_name             = aws_sagemaker_model.this.name
      instance_type          = production_variants.value.instance_type
      initial_instance_count = 1
      volume_size_in_gb      = production_variants.value.volume
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "serverless" {
  name = "${var.model_name}-serverless"

  production_variants {
    variant_name = "serverless"
    model_name   = aws_sagemaker_model.this.name

    dynamic "serverless_config" {
      for_each = var.serverless == null ? [] : [var.serverless]
      content {
        memory_size_in_mb = serverless_config.value.memory
        max_concurrency   = serverless_config.value.concurrency
      }
    }
  }
}
