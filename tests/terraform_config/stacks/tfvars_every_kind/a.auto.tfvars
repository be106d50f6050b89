model_name = "auto-name"
