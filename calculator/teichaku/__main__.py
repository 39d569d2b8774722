"""`python -m teichaku`。"""

import sys

from .cli import main

sys.exit(main())
