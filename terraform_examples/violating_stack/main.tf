# End to end: a typical stack that Marketplace would reject. The model runs a Docker Hub
# image without network isolation, its artifacts sit in a us-west-2 bucket while the
# stack is in us-east-1, the endpoint is asynchronous, and the training pipeline waits
# up to 7200 s for spot capacity and sends 200 MB batch payloads.

terraform {
  required_version = ">= 1.5"
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

provider "aws" {
  alias                       = "west"
  region                      = "us-west-2"
  access_key                  = "mock_access_key"
  secret_key                  = "mock_secret_key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

resource "aws_s3_bucket" "artifacts" {
  provider = aws.west
  bucket   = "mlmarket-violating-artifacts-111122223333"
}

resource "aws_iam_role" "sagemaker_execution" {
  name = "mlmarket-violating-sagemaker-execution"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_sagemaker_model" "model" {
  name               = "mlmarket-violating-model"
  execution_role_arn = aws_iam_role.sagemaker_execution.arn

  primary_container {
    image          = "docker.io/acme/churn-model:latest"
    model_data_url = "s3://${aws_s3_bucket.artifacts.bucket}/model/model.tar.gz"
  }
}

resource "aws_sagemaker_endpoint_configuration" "model" {
  name = "mlmarket-violating-model"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.model.name
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }

  async_inference_config {
    output_config {
      s3_output_path = "s3://mlmarket-violating-async-output-111122223333/results/"
    }
  }
}

resource "aws_sagemaker_pipeline" "train_and_score" {
  pipeline_name         = "mlmarket-violating-train-and-score"
  pipeline_display_name = "mlmarket-violating-train-and-score"
  role_arn              = aws_iam_role.sagemaker_execution.arn

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [
      {
        Name = "Train"
        Type = "Training"
        Arguments = {
          AlgorithmSpecification = {
            TrainingImage     = "111122223333.dkr.ecr.us-east-1.amazonaws.com/churn-training:1.0"
            TrainingInputMode = "File"
          }
          RoleArn                   = "arn:aws:iam::111122223333:role/mlmarket-violating-sagemaker-execution"
          OutputDataConfig          = { S3OutputPath = "s3://mlmarket-violating-training-111122223333/output/" }
          ResourceConfig            = { InstanceType = "ml.m5.xlarge", InstanceCount = 1, VolumeSizeInGB = 30 }
          StoppingCondition         = { MaxRuntimeInSeconds = 3600, MaxWaitTimeInSeconds = 7200 }
          EnableManagedSpotTraining = true
          EnableNetworkIsolation    = true
        }
      },
      {
        Name = "BatchScore"
        Type = "Transform"
        Arguments = {
          ModelName = "mlmarket-violating-model"
          TransformInput = {
            ContentType = "text/csv"
            SplitType   = "Line"
            DataSource  = { S3DataSource = { S3DataType = "S3Prefix", S3Uri = "s3://mlmarket-violating-batch-111122223333/input/" } }
          }
          TransformOutput    = { S3OutputPath = "s3://mlmarket-violating-batch-111122223333/output/" }
          TransformResources = { InstanceType = "ml.m5.xlarge", InstanceCount = 1 }
          BatchStrategy      = "MultiRecord"
          MaxPayloadInMB     = 200
        }
      },
    ]
  })
}
