"""Errors that mean "the request is wrong", shared by the Python API, the CLI and the services without importing
the NLP stack (so that light commands stay fast)."""


class UsageError(ValueError):
    """The request names something that does not exist (framework, position, file) or is malformed."""
