"""``python -m cornu run script.py [args...]``: see :mod:`cornu.cli`."""
import sys

from cornu.cli import main

if __name__ == "__main__":
    sys.exit(main())
