"""Batch scoring of interview archives: folders or files of notes in, results/summary/errors/run files out.

Resumable (content-hash store), parallel (local processes or Dask), streaming (flat memory). Entry point:
:func:`engine.batch.runner.run_batch`; the command is ``competency batch``.
"""
