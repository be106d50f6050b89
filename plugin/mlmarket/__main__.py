import sys

from mlmarket.cli import main

sys.exit(main())
