"""Generate `nvme_families.json`: instance families with local NVMe instance storage.

SageMaker endpoints on these families use the instance store and reject a production variant's
`VolumeSizeInGB` (SageMaker Developer Guide, "Host instance storage volumes"). The list is the union of
  * the hosting families (from `instance_types.json`) whose attribute letters after the generation
    digit contain "d", the EC2 naming convention for instance store (c5d, m6gd, g4dn, p4de, ...), and
  * CURATED_FAMILIES, whose instance store does not show in the name.
No network and no third-party package is needed:

    python scripts/gen_nvme_families.py [--check]
"""

from __future__ import annotations

import re
import sys
from typing import Any

import _canonical

# Families with NVMe instance store whose name has no "d" (EC2 User Guide, "Instance store
# specifications" of the accelerated computing instances). Not listed, being EBS-only: inf1, inf2,
# p2, p3, and g7 (RTX PRO 4500), whose instance store could not be confirmed.
CURATED_FAMILIES = frozenset(
    {
        "dl1",
        "g5",
        "g6",
        "g6e",
        "g7e",
        "p5",
        "p5e",
        "p5en",
        "p6-b200",
        "p6-b300",
        "p6e-gb200",
        "trn1",
        "trn1n",
        "trn2",
    }
)

# family = class letters, generation digits, attribute letters, optional "-suffix" (p6-b200, c7i-flex)
FAMILY = re.compile(r"^[a-z]+[0-9]+(?P<attributes>[a-z]*)(?:-[a-z0-9]+)?$")


def has_instance_store_letter(family: str) -> bool:
    match = FAMILY.match(family)
    return match is not None and "d" in match.group("attributes")


def build() -> dict[str, Any]:
    hosting = _canonical.load_data_file("instance_types.json")["instance_types"]["hosting"]
    hosting_families = {instance_type.split(".")[1] for instance_type in hosting}
    derived = {family for family in hosting_families if has_instance_store_letter(family)}
    return {
        "source": (
            "SageMaker Developer Guide, 'Host instance storage volumes' (instances with NVMe "
            "instance store take no VolumeSizeInGB); families derived from the hosting instance "
            "types of instance_types.json whose attribute letters contain 'd', plus a curated list "
            "from the EC2 instance store specifications"
        ),
        "generator": "scripts/gen_nvme_families.py",
        "curated_families": sorted(CURATED_FAMILIES),
        "families": sorted(derived | CURATED_FAMILIES),
    }


if __name__ == "__main__":
    sys.exit(_canonical.main("nvme_families.json", build, __doc__.splitlines()[0]))
