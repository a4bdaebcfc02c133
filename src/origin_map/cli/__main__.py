"""``python -m origin_map.cli``: the same as the ``origin-map`` command."""

import sys

from origin_map.cli import main

sys.exit(main())
