"""Generate `instance_types.json`: the SageMaker ML instance types valid for each use.

Source: the enum shapes of botocore's SageMaker service model. Run it with a recent botocore
(the project uses /work/gen-venv: `python3 -m venv /work/gen-venv && /work/gen-venv/bin/pip install
botocore sagemaker-core`):

    /work/gen-venv/bin/python scripts/gen_instance_types.py [--check]
"""

from __future__ import annotations

import sys
from typing import Any

import botocore
import botocore.session

import _canonical

# The use names of `mlmarket.limits.INSTANCE_USES`, and the service-model shape that lists the
# instance types accepted for it (ProductionVariant.InstanceType, TransformResources.InstanceType,
# ResourceConfig.InstanceType, ProcessingClusterConfig.InstanceType).
SHAPE_BY_USE = {
    "hosting": "ProductionVariantInstanceType",
    "transform": "TransformInstanceType",
    "training": "TrainingInstanceType",
    "processing": "ProcessingInstanceType",
}


def build() -> dict[str, Any]:
    model = botocore.session.get_session().get_service_model("sagemaker")
    instance_types = {}
    for use, shape_name in SHAPE_BY_USE.items():
        enum = model.shape_for(shape_name).enum
        if not enum or any(not value.startswith("ml.") for value in enum):
            raise SystemExit(f"{shape_name}: expected a non-empty enum of ml.* instance types")
        instance_types[use] = sorted(set(enum))
    return {
        "source": (
            "botocore SageMaker service model (sagemaker/*/service-2.json), enum shapes "
            + ", ".join(f"{use}={shape}" for use, shape in SHAPE_BY_USE.items())
        ),
        "generator": "scripts/gen_instance_types.py",
        "botocore_version": botocore.__version__,
        "instance_types": instance_types,
    }


if __name__ == "__main__":
    sys.exit(_canonical.main("instance_types.json", build, __doc__.splitlines()[0]))
