variable "name" {
  type = string
}

variable "image" {
  type = string
}

resource "aws_sagemaker_model" "this" {
  name                     = var.name
  execution_role_arn       = "arn:aws:iam::111122223333:role/sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image          = var.image
    model_data_url = "s3://${var.name}-artifacts/model.tar.gz"
  }
}

output "name" {
  value = aws_sagemaker_model.this.name
}
