# The Terraform twin of each request example in request_examples/ that Terraform can describe: one resource per
# request file, named after it, describing the same thing (test_equivalence.py scans both and compares the
# verdicts). The pipelines read their definitions from copies of the request files, placed beside this file by
# the test; a transform job is a pipeline with one Transform step, since no provider has a transform job resource.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
    awscc = {
      source  = "hashicorp/awscc"
      version = ">= 1.0"
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

provider "awscc" {
  region = "us-east-1"
}

locals {
  ecr    = "111122223333.dkr.ecr.us-east-1.amazonaws.com"
  role   = "arn:aws:iam::111122223333:role/my-product-sagemaker"
  bucket = "https://my-product-artifacts.s3.us-east-1.amazonaws.com"
}

# CreateModelPackage

resource "awscc_sagemaker_model_package" "pass_certified_package" {
  model_package_name        = "my-product"
  model_package_description = "A certified, unversioned model package built from the seller's own image"
  certify_for_marketplace   = true

  inference_specification = {
    containers                                  = [{ image = "${local.ecr}/my-product:1.0", model_data_url = "${local.bucket}/model/model.tar.gz" }]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge", "ml.g5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]
  }

  validation_specification = {
    validation_role = local.role
    validation_profiles = [{
      profile_name = "batch"
      transform_job_definition = {
        max_concurrent_transforms = 4
        max_payload_in_mb         = 25
        transform_input = {
          content_type = "text/csv"
          data_source  = { s3_data_source = { s3_data_type = "S3Prefix", s3_uri = "${local.bucket}/validation/input/" } }
        }
        transform_output    = { s3_output_path = "${local.bucket}/validation/output/" }
        transform_resources = { instance_type = "ml.m5.xlarge", instance_count = 1 }
      }
    }]
  }
}

resource "awscc_sagemaker_model_package" "fail_versioned_docker_hub_package" {
  model_package_group_name = "my-product"
  certify_for_marketplace  = true

  inference_specification = {
    containers                                  = [{ image = "docker.io/my-org/my-product:1.0", model_data_url = "${local.bucket}/model/model.tar.gz" }]
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge", "ml.g5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]
  }
}

resource "awscc_sagemaker_model_package" "fail_subscribed_algorithm_package" {
  model_package_name = "my-product-from-algorithm"

  source_algorithm_specification = {
    source_algorithms = [{
      algorithm_name = "arn:aws:sagemaker:us-east-1:444455556666:algorithm/their-algorithm"
      model_data_url = "https://my-product-artifacts.s3.us-west-2.amazonaws.com/model/model.tar.gz"
    }]
  }
}

# CreateAlgorithm: aws (provider v6), since awscc's algorithm has no validation_specification

resource "aws_sagemaker_algorithm" "pass_certified_algorithm" {
  algorithm_name          = "my-algorithm"
  certify_for_marketplace = true

  training_specification {
    training_image                    = "${local.ecr}/my-algorithm-training:1.0"
    supported_training_instance_types = ["ml.m5.xlarge"]
    training_channels {
      name                    = "train"
      supported_content_types = ["text/csv"]
      supported_input_modes   = ["File"]
    }
  }

  inference_specification {
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge", "ml.g5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]
    containers {
      image = "${local.ecr}/my-algorithm:1.0"
    }
  }

  validation_specification {
    validation_role = local.role
    validation_profiles {
      profile_name = "validation"
      training_job_definition {
        training_input_mode = "File"
        input_data_config {
          channel_name = "train"
          content_type = "text/csv"
          data_source {
            s3_data_source {
              s3_data_type = "S3Prefix"
              s3_uri       = "${local.bucket}/validation/train/"
            }
          }
        }
        output_data_config {
          s3_output_path = "${local.bucket}/validation/training-output/"
        }
        resource_config {
          instance_type     = "ml.m5.xlarge"
          instance_count    = 1
          volume_size_in_gb = 30
        }
        stopping_condition {
          max_runtime_in_seconds   = 3600
          max_wait_time_in_seconds = 3600
        }
      }
      transform_job_definition {
        max_concurrent_transforms = 1
        max_payload_in_mb         = 100
        transform_input {
          content_type = "text/csv"
          data_source {
            s3_data_source {
              s3_data_type = "S3Prefix"
              s3_uri       = "${local.bucket}/validation/input/"
            }
          }
        }
        transform_output {
          s3_output_path = "${local.bucket}/validation/output/"
        }
        transform_resources {
          instance_type  = "ml.m5.xlarge"
          instance_count = 1
        }
      }
    }
  }
}

resource "aws_sagemaker_algorithm" "fail_spot_wait_payload_image_region_algorithm" {
  algorithm_name          = "my-algorithm"
  certify_for_marketplace = true

  training_specification {
    training_image                    = "111122223333.dkr.ecr.us-west-2.amazonaws.com/my-algorithm-training:1.0"
    supported_training_instance_types = ["ml.m5.xlarge"]
    training_channels {
      name                    = "train"
      supported_content_types = ["text/csv"]
      supported_input_modes   = ["File"]
    }
  }

  inference_specification {
    supported_content_types                     = ["text/csv"]
    supported_response_mime_types               = ["text/csv"]
    supported_realtime_inference_instance_types = ["ml.m5.xlarge", "ml.g5.xlarge"]
    supported_transform_instance_types          = ["ml.m5.xlarge"]
    containers {
      image = "111122223333.dkr.ecr.us-west-2.amazonaws.com/my-algorithm:1.0"
    }
  }

  validation_specification {
    validation_role = local.role
    validation_profiles {
      profile_name = "validation"
      training_job_definition {
        training_input_mode = "File"
        input_data_config {
          channel_name = "train"
          content_type = "text/csv"
          data_source {
            s3_data_source {
              s3_data_type = "S3Prefix"
              s3_uri       = "${local.bucket}/validation/train/"
            }
          }
        }
        output_data_config {
          s3_output_path = "${local.bucket}/validation/training-output/"
        }
        resource_config {
          instance_type     = "ml.m5.xlarge"
          instance_count    = 1
          volume_size_in_gb = 30
        }
        stopping_condition {
          max_runtime_in_seconds   = 3600
          max_wait_time_in_seconds = 3601
        }
      }
      transform_job_definition {
        max_concurrent_transforms = 1
        max_payload_in_mb         = 101
        transform_input {
          content_type = "text/csv"
          data_source {
            s3_data_source {
              s3_data_type = "S3Prefix"
              s3_uri       = "${local.bucket}/validation/input/"
            }
          }
        }
        transform_output {
          s3_output_path = "${local.bucket}/validation/output/"
        }
        transform_resources {
          instance_type  = "ml.m5.xlarge"
          instance_count = 1
        }
      }
    }
  }
}

# CreateModel

resource "aws_sagemaker_model" "pass_isolated_model" {
  name                     = "my-product"
  execution_role_arn       = local.role
  enable_network_isolation = true

  primary_container {
    image          = "${local.ecr}/my-product:1.0"
    model_data_url = "${local.bucket}/model/model.tar.gz"
  }
}

resource "aws_sagemaker_model" "fail_no_isolation_deep_learning_container_model" {
  name               = "my-product-on-a-dlc"
  execution_role_arn = local.role

  primary_container {
    image          = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-cpu-py310"
    model_data_url = "${local.bucket}/model/model.tar.gz"
  }
}

resource "aws_sagemaker_model" "fail_vpc_registry_model" {
  name                     = "my-product-pipeline-model"
  execution_role_arn       = local.role
  enable_network_isolation = true

  container {
    image = "${local.ecr}/my-preprocessor:1.0"
  }
  container {
    image = "registry.internal.example.com/my-product:1.0"
    image_config {
      repository_access_mode = "Vpc"
    }
  }

  vpc_config {
    security_group_ids = ["sg-0123456789abcdef0"]
    subnets            = ["subnet-0123456789abcdef0"]
  }
}

resource "aws_sagemaker_model" "unknown_artifact_bucket_region_model" {
  name                     = "my-product-s3-artifacts"
  execution_role_arn       = local.role
  enable_network_isolation = true

  primary_container {
    image          = "${local.ecr}/my-product:1.0"
    model_data_url = "s3://my-product-artifacts/model/model.tar.gz"
  }
}

# CreateEndpointConfig

resource "aws_sagemaker_endpoint_configuration" "pass_realtime_endpoint_config" {
  name = "my-product"

  production_variants {
    variant_name           = "primary"
    model_name             = "my-product"
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
    volume_size_in_gb      = 512
  }
}

resource "aws_sagemaker_endpoint_configuration" "fail_async_serverless_endpoint_config" {
  name = "my-product-async"

  production_variants {
    variant_name           = "primary"
    model_name             = "my-product"
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }
  production_variants {
    variant_name = "serverless"
    model_name   = "my-product"
    serverless_config {
      memory_size_in_mb = 2048
      max_concurrency   = 5
    }
  }

  async_inference_config {
    output_config {
      s3_output_path = "s3://my-product-async/output/"
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "fail_nvme_volume_endpoint_config" {
  name = "my-product-gpu"

  production_variants {
    variant_name           = "gpu"
    model_name             = "my-product"
    instance_type          = "ml.g5.xlarge"
    initial_instance_count = 1
    volume_size_in_gb      = 100
  }
}

# CreateTrainingJob (provider v6)

resource "aws_sagemaker_training_job" "pass_isolated_spot_training_job" {
  training_job_name            = "my-algorithm-spot"
  role_arn                     = local.role
  enable_network_isolation     = true
  enable_managed_spot_training = true

  algorithm_specification {
    training_image      = "${local.ecr}/my-algorithm-training:1.0"
    training_input_mode = "File"
  }
  input_data_config {
    channel_name = "train"
    data_source {
      s3_data_source {
        s3_data_type = "S3Prefix"
        s3_uri       = "${local.bucket}/train/"
      }
    }
  }
  output_data_config {
    s3_output_path = "${local.bucket}/training-output/"
  }
  resource_config {
    instance_type     = "ml.m5.xlarge"
    instance_count    = 1
    volume_size_in_gb = 30
  }
  stopping_condition {
    max_runtime_in_seconds   = 3600
    max_wait_time_in_seconds = 3600
  }
}

resource "aws_sagemaker_training_job" "fail_spot_without_wait_training_job" {
  training_job_name            = "my-algorithm-spot-no-wait"
  role_arn                     = local.role
  enable_managed_spot_training = true

  algorithm_specification {
    training_image      = "${local.ecr}/my-algorithm-training:1.0"
    training_input_mode = "File"
  }
  input_data_config {
    channel_name = "train"
    data_source {
      s3_data_source {
        s3_data_type = "S3Prefix"
        s3_uri       = "${local.bucket}/train/"
      }
    }
  }
  output_data_config {
    s3_output_path = "${local.bucket}/training-output/"
  }
  resource_config {
    instance_type     = "ml.m5.huge"
    instance_count    = 1
    volume_size_in_gb = 30
  }
  stopping_condition {
    max_runtime_in_seconds = 3600
  }
}

# CreateHyperParameterTuningJob (provider v6)

resource "aws_sagemaker_hyper_parameter_tuning_job" "pass_isolated_spot_tuning_job" {
  name = "my-algorithm-tuning"

  config {
    strategy = "Bayesian"
    objective {
      metric_name = "validation:rmse"
      type        = "Minimize"
    }
    resource_limits {
      max_number_of_training_jobs = 10
      max_parallel_training_jobs  = 2
    }
  }

  training_job_definition {
    role_arn                     = local.role
    enable_network_isolation     = true
    enable_managed_spot_training = true

    algorithm_specification {
      training_image      = "${local.ecr}/my-algorithm-training:1.0"
      training_input_mode = "File"
      metric_definitions {
        name  = "validation:rmse"
        regex = "rmse=([0-9.]+)"
      }
    }
    output_data_config {
      s3_output_path = "${local.bucket}/tuning-output/"
    }
    resource_config {
      instance_type     = "ml.m5.xlarge"
      instance_count    = 1
      volume_size_in_gb = 30
    }
    stopping_condition {
      max_runtime_in_seconds   = 1800
      max_wait_time_in_seconds = 3600
    }
  }
}

resource "aws_sagemaker_hyper_parameter_tuning_job" "fail_second_definition_tuning_job" {
  name = "my-algorithm-tuning-two"

  config {
    strategy = "Bayesian"
    resource_limits {
      max_number_of_training_jobs = 10
      max_parallel_training_jobs  = 2
    }
  }

  dynamic "training_job_definitions" {
    for_each = { first = { isolation = true, wait = 3600 }, second = { isolation = false, wait = 3601 } }
    content {
      definition_name              = training_job_definitions.key
      role_arn                     = local.role
      enable_network_isolation     = training_job_definitions.value.isolation
      enable_managed_spot_training = true

      algorithm_specification {
        training_image      = "${local.ecr}/my-algorithm-training:1.0"
        training_input_mode = "File"
      }
      output_data_config {
        s3_output_path = "${local.bucket}/tuning-output/"
      }
      resource_config {
        instance_type     = "ml.m5.xlarge"
        instance_count    = 1
        volume_size_in_gb = 30
      }
      stopping_condition {
        max_runtime_in_seconds   = 1800
        max_wait_time_in_seconds = training_job_definitions.value.wait
      }
    }
  }
}

# CreateTransformJob: a pipeline of one Transform step with the same arguments

locals {
  batch_transform = {
    ModelName          = "my-product"
    TransformInput     = { ContentType = "text/csv", DataSource = { S3DataSource = { S3DataType = "S3Prefix", S3Uri = "${local.bucket}/batch/input/" } } }
    TransformOutput    = { S3OutputPath = "${local.bucket}/batch/output/" }
    TransformResources = { InstanceType = "ml.m5.xlarge", InstanceCount = 1 }
  }
}

resource "aws_sagemaker_pipeline" "pass_batch_transform_job" {
  pipeline_name         = "my-product-batch"
  pipeline_display_name = "my-product-batch"
  role_arn              = local.role
  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "my-product-batch"
      Type = "Transform"
      Arguments = merge(local.batch_transform, {
        MaxConcurrentTransforms = 4
        MaxPayloadInMB          = 25
        ModelClientConfig       = { InvocationsTimeoutInSeconds = 3600, InvocationsMaxRetries = 1 }
      })
    }]
  })
}

resource "aws_sagemaker_pipeline" "fail_payload_timeout_transform_job" {
  pipeline_name         = "my-product-batch-big"
  pipeline_display_name = "my-product-batch-big"
  role_arn              = local.role
  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "my-product-batch-big"
      Type = "Transform"
      Arguments = merge(local.batch_transform, {
        MaxConcurrentTransforms = 2
        MaxPayloadInMB          = 100
        ModelClientConfig       = { InvocationsTimeoutInSeconds = 3601, InvocationsMaxRetries = 1 }
      })
    }]
  })
}

# CreatePipeline: the same definitions, read from the request files

resource "aws_sagemaker_pipeline" "pass_train_and_transform_pipeline" {
  pipeline_name         = "my-product-pipeline"
  pipeline_display_name = "my-product-pipeline"
  role_arn              = local.role
  pipeline_definition   = jsondecode(file("${path.module}/pass_train_and_transform_pipeline.CreatePipeline.json")).PipelineDefinition
}

resource "aws_sagemaker_pipeline" "fail_isolation_docker_hub_timeout_pipeline" {
  pipeline_name         = "my-product-pipeline-bad"
  pipeline_display_name = "my-product-pipeline-bad"
  role_arn              = local.role
  pipeline_definition   = jsondecode(file("${path.module}/fail_isolation_docker_hub_timeout_pipeline.CreatePipeline.json")).PipelineDefinition
}

resource "aws_sagemaker_pipeline" "unknown_instance_type_parameter_pipeline" {
  pipeline_name         = "my-product-pipeline-parameter"
  pipeline_display_name = "my-product-pipeline-parameter"
  role_arn              = local.role
  pipeline_definition   = jsondecode(file("${path.module}/unknown_instance_type_parameter_pipeline.CreatePipeline.json")).PipelineDefinition
}
