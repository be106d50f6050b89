variable "model_name" {
  type = string
}

variable "instance_type" {
  type = string
}

variable "async_output" {
  type    = string
  default = null
}

resource "aws_sagemaker_endpoint_configuration" "this" {
  name = "${var.model_name}-config"

  production_variants {
    variant_name           = "primary"
    model_name             = var.model_name
    instance_type          = var.instance_type
    initial_instance_count = 1
  }

  dynamic "async_inference_config" {
    for_each = var.async_output == null ? [] : [var.async_output]
    content {
      output_config {
        s3_output_path = async_inference_config.value
      }
    }
  }
}
