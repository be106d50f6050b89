# One network-isolated SageMaker model per entry of var.images, in the region of the
# aws provider the caller passes in.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

variable "name_prefix" {
  description = "Prefix of the model names."
  type        = string
}

variable "execution_role_arn" {
  description = "IAM role that SageMaker assumes to run the models."
  type        = string
}

variable "images" {
  description = "Container image URI of each model, keyed by model name."
  type        = map(string)
}

resource "aws_sagemaker_model" "this" {
  for_each = var.images

  name                     = "${var.name_prefix}-${each.key}"
  execution_role_arn       = var.execution_role_arn
  enable_network_isolation = true

  primary_container {
    image = each.value
  }
}

output "model_names" {
  description = "Names of the created models, keyed like var.images."
  value       = { for key, model in aws_sagemaker_model.this : key => model.name }
}
