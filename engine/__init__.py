"""The rules engine: from qualified evidence to demonstrated levels, with a justification for every conclusion."""
__version__ = "0.1.0"
