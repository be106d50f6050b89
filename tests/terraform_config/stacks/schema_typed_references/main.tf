# What the provider's schema decides before apply: arguments converted to their attribute types ("64" is the
# number 64), and references to whole resources and nested blocks (`aws_sagemaker_model.source`,
# `values(aws_s3_bucket.keyed)`, `.primary_container[0].image`) seeing the object the plan holds: configured
# attributes known, unset nested blocks empty, computed attributes unknown.
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

variable "sizes" {
  type    = map(string)
  default = { volume = "64", memory = "2048", concurrency = "4", count = "2" }
}

resource "aws_s3_bucket" "keyed" {
  for_each = toset(["weights"])
  bucket   = "mlmarket-typed-${each.key}"
}

resource "aws_s3_bucket" "counted" {
  count  = 2
  bucket = "mlmarket-typed-${count.index}"
}

resource "aws_sagemaker_model" "source" {
  name                     = "typed-source"
  execution_role_arn       = "arn:aws:iam::111122223333:role/sagemaker-execution"
  enable_network_isolation = "true"

  primary_container {
    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/typed:1.0"
    model_data_url = "s3://${values(aws_s3_bucket.keyed)[0].bucket}/model.tar.gz"
  }
}

# Reads the whole source model: its configured arguments are known, its unset `container` blocks an empty list.
resource "aws_sagemaker_model" "copy" {
  name                     = "typed-copy"
  execution_role_arn       = aws_sagemaker_model.source.execution_role_arn
  enable_network_isolation = aws_sagemaker_model.source.enable_network_isolation

  primary_container {
    image          = aws_sagemaker_model.source.primary_container[0].image
    model_data_url = "s3://${aws_s3_bucket.counted[length(aws_sagemaker_model.source.container)].bucket}/copy.tar.gz"
  }
}

# The source model's computed arn is unknown: this image is too.
resource "aws_sagemaker_model" "from_computed" {
  name                     = "typed-from-computed"
  execution_role_arn       = "arn:aws:iam::111122223333:role/sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/${aws_sagemaker_model.source.arn}:1"
  }
}

resource "aws_sagemaker_endpoint_configuration" "strings" {
  name = "typed-strings"

  production_variants {
    variant_name           = "a"
    model_name             = aws_sagemaker_model.copy.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = var.sizes["count"]
    volume_size_in_gb      = var.sizes["volume"]
  }

  production_variants {
    variant_name = "serverless"
    model_name   = aws_sagemaker_model.copy.name

    serverless_config {
      max_concurrency   = var.sizes["concurrency"]
      memory_size_in_mb = var.sizes["memory"]
    }
  }
}
