"""Quality: does data meet its spec? Read any sink's output and list broken rules.

``read_tables`` reads a dataset (files or a database) typed by the spec;
``check_tables`` returns one :class:`Finding` per broken rule, empty when
every rule holds.
"""

from .check import Finding, check_tables
from .read import read_tables

__all__ = ["Finding", "check_tables", "read_tables"]
