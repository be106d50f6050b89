region     = "us-east-1"
model_name = "tfvars-name"
