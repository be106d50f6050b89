image_tag = "1.0.0"
variants = [
  { name = "primary", instance_type = "ml.m5.large", volume = 40 },
  { name = "gpu", instance_type = "ml.g5.xlarge" },
]
