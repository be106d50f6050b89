variable "name" {
  type = string
}

variable "image_tag" {
  type = string
}

variable "instance_type" {
  type    = string
  default = "ml.m5.large"
}

data "aws_region" "current" {}

module "model" {
  source = "../model"
  name   = var.name
  image  = "111122223333.dkr.ecr.${data.aws_region.current.name}.amazonaws.com/${var.name}:${var.image_tag}"
}

resource "aws_sagemaker_endpoint_configuration" "this" {
  name = "${var.name}-config"

  production_variants {
    variant_name           = "primary"
    model_name             = module.model.name
    instance_type          = var.instance_type
    initial_instance_count = 1
    # g5 instances have NVMe instance storage and take no volume size.
    volume_size_in_gb = startswith(var.instance_type, "ml.g5.") ? null : 30
  }
}
