artifact_bucket = "auto-bucket"
