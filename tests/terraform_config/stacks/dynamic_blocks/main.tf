# Dynamic blocks: variants, containers and nested image_config and serverless_config blocks generated from
# locals and variables, next to literal blocks, and a pipeline definition built with for expressions.
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

variable "async" {
  type    = bool
  default = true
}

variable "serverless" {
  type    = bool
  default = false
}

locals {
  registry = "111122223333.dkr.ecr.us-east-1.amazonaws.com"
  variants = [
    { name = "cpu", instance_type = "ml.m5.large", volume = 20 },
    { name = "gpu", instance_type = "ml.g5.xlarge", volume = null },
  ]
  containers = {
    first  = { image = "${local.registry}/first:1", access = null }
    second = { image = "${local.registry}/second:1", access = "Vpc" }
  }
  training_steps = ["prepare", "train"]
}

resource "aws_sagemaker_endpoint_configuration" "dynamic_variants" {
  name = "dynamic-variants"

  dynamic "production_variants" {
    for_each = local.variants
    content {
      variant_name           = production_variants.value.name
      model_name             = "model"
      instance_type          = production_variants.value.instance_type
      initial_instance_count = 1
      volume_size_in_gb      = production_variants.value.volume
    }
  }

  dynamic "async_inference_config" {
    for_each = var.async ? [1] : []
    content {
      output_config {
        s3_output_path = "s3://mlmarket-async/output"
      }
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "literal_and_dynamic" {
  name = "literal-and-dynamic"

  production_variants {
    variant_name           = "literal"
    model_name             = "model"
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
    volume_size_in_gb      = 50
  }

  dynamic "shadow_production_variants" {
    for_each = { shadow = "ml.c5.large" }
    iterator = shadow
    content {
      variant_name           = shadow.key
      model_name             = "model"
      instance_type          = shadow.value
      initial_instance_count = 1

      dynamic "serverless_config" {
        for_each = var.serverless ? [1] : []
        content {
          memory_size_in_mb = 2048
          max_concurrency   = 2
        }
      }
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "serverless_variant" {
  name = "serverless-variant"

  production_variants {
    variant_name = "serverless"
    model_name   = "model"

    dynamic "serverless_config" {
      for_each = [{ memory = 4096, concurrency = 10 }]
      content {
        memory_size_in_mb = serverless_config.value.memory
        max_concurrency   = serverless_config.value.concurrency
      }
    }
  }
}

resource "aws_sagemaker_model" "containers" {
  name                     = "multi-container"
  execution_role_arn       = "arn:aws:iam::111122223333:role/sagemaker-execution"
  enable_network_isolation = true

  dynamic "container" {
    for_each = local.containers
    iterator = c
    content {
      image              = c.value.image
      container_hostname = c.key

      dynamic "image_config" {
        for_each = c.value.access == null ? [] : [c.value.access]
        content {
          repository_access_mode = image_config.value
        }
      }
    }
  }
}

resource "aws_sagemaker_pipeline" "generated" {
  pipeline_name         = "generated"
  pipeline_display_name = "generated"
  role_arn              = "arn:aws:iam::111122223333:role/sagemaker-execution"
  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [for name in local.training_steps : {
      Name = name
      Type = "Training"
      Arguments = {
        AlgorithmSpecification = {
          TrainingImage     = "${local.registry}/${name}:1"
          TrainingInputMode = "File"
        }
        EnableNetworkIsolation = name == "train"
        ResourceConfig         = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
        StoppingCondition      = { MaxRuntimeInSeconds = 3600 }
      }
    }]
  })
}
