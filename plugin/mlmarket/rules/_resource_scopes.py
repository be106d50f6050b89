"""The concrete resource types of a Marketplace publishing stack, for the region rules (CKV_MLM_006, CKV_MLM_007).

The engine matches exact resource types, so the scopes are spelled out. SageMaker: every `aws_sagemaker_*`
resource of hashicorp/aws 5.100.0 (from `terraform providers schema -json`), the provider v6 resources the
rule catalog names (algorithm, training job, tuning job), and the awscc SageMaker resources the catalog
names plus the package group and pipeline that go with them. ECR and S3: the repository and the bucket with
the resources that configure or fill them. Registry- and account-wide settings (`aws_ecr_registry_policy`,
`aws_ecr_replication_configuration`, `aws_s3_account_public_access_block`, ...) belong to no product and are
left out, as are S3 access points and directory buckets, which SageMaker does not read model artifacts from.
Data sources are never in scope: the rules judge only what the configuration creates.
"""

from __future__ import annotations

SAGEMAKER_AWS5_TYPES = (
    "aws_sagemaker_app",
    "aws_sagemaker_app_image_config",
    "aws_sagemaker_code_repository",
    "aws_sagemaker_data_quality_job_definition",
    "aws_sagemaker_device",
    "aws_sagemaker_device_fleet",
    "aws_sagemaker_domain",
    "aws_sagemaker_endpoint",
    "aws_sagemaker_endpoint_configuration",
    "aws_sagemaker_feature_group",
    "aws_sagemaker_flow_definition",
    "aws_sagemaker_hub",
    "aws_sagemaker_human_task_ui",
    "aws_sagemaker_image",
    "aws_sagemaker_image_version",
    "aws_sagemaker_mlflow_tracking_server",
    "aws_sagemaker_model",
    "aws_sagemaker_model_package_group",
    "aws_sagemaker_model_package_group_policy",
    "aws_sagemaker_monitoring_schedule",
    "aws_sagemaker_notebook_instance",
    "aws_sagemaker_notebook_instance_lifecycle_configuration",
    "aws_sagemaker_pipeline",
    "aws_sagemaker_project",
    "aws_sagemaker_servicecatalog_portfolio_status",
    "aws_sagemaker_space",
    "aws_sagemaker_studio_lifecycle_config",
    "aws_sagemaker_user_profile",
    "aws_sagemaker_workforce",
    "aws_sagemaker_workteam",
)
SAGEMAKER_AWS6_TYPES = (
    "aws_sagemaker_algorithm",
    "aws_sagemaker_hyper_parameter_tuning_job",
    "aws_sagemaker_training_job",
)
SAGEMAKER_AWSCC_TYPES = (
    "awscc_sagemaker_algorithm",
    "awscc_sagemaker_model",
    "awscc_sagemaker_model_package",
    "awscc_sagemaker_model_package_group",
    "awscc_sagemaker_pipeline",
)
SAGEMAKER_TYPES = (*SAGEMAKER_AWS5_TYPES, *SAGEMAKER_AWS6_TYPES, *SAGEMAKER_AWSCC_TYPES)

ECR_TYPES = (
    "aws_ecr_lifecycle_policy",
    "aws_ecr_repository",
    "aws_ecr_repository_policy",
    "awscc_ecr_repository",
)

S3_TYPES = (
    "aws_s3_bucket",
    "aws_s3_bucket_accelerate_configuration",
    "aws_s3_bucket_acl",
    "aws_s3_bucket_analytics_configuration",
    "aws_s3_bucket_cors_configuration",
    "aws_s3_bucket_intelligent_tiering_configuration",
    "aws_s3_bucket_inventory",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_metric",
    "aws_s3_bucket_notification",
    "aws_s3_bucket_object",
    "aws_s3_bucket_object_lock_configuration",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_replication_configuration",
    "aws_s3_bucket_request_payment_configuration",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_website_configuration",
    "aws_s3_object",
    "aws_s3_object_copy",
    "awscc_s3_bucket",
    "awscc_s3_bucket_policy",
)

PUBLISHING_STACK_TYPES = (*SAGEMAKER_TYPES, *ECR_TYPES, *S3_TYPES)
