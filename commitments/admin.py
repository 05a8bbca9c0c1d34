# The alerts admin registers itself on import (issue 3). On merge, keep main's admin.py
# and add this line to it.
from . import alerts_admin  # noqa: F401
