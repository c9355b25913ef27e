"""The NLP step: from free-text interview notes (ru/zh/en, mixed) to indicator evidence qualified by BEI rules."""
