"""The checkov plugin: `checkov --external-checks-dir "$(mlmarket checks-dir)"`.

checkov imports every .py file of the external-checks directory (and loads every .yaml/.json there as a
policy), so `checks/` holds only `__init__.py` and one uniquely named module per rule.
"""

from __future__ import annotations

import os


def checks_dir() -> str:
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "checks")
