"""mlmarket: AWS Marketplace machine-learning seller restrictions, checked in Terraform."""

__version__ = "0.1.0"
