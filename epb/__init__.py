"""epb: an open platform that runs a municipal Environmental Protection Bureau."""

__version__ = "0.1.0"
