"""Evaluation: how well results agree with gold-labelled notes (EVALUATION.md), beside a simple baseline."""
