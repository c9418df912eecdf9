"""Run the command line interface: ``python -m sklvision``."""

import sys

from sklvision.cli import main

if __name__ == "__main__":
    sys.exit(main())
