"""The rules engine: from qualified evidence to demonstrated levels, with a justification for every conclusion."""
__version__ = "0.1.0"


def assess(text, frameworks=("CO",), position=None, policy=None, ontology=None, note_id="note"):
    """Score one note; see :func:`engine.assessor.assess`."""
    from engine.assessor import assess as _assess

    return _assess(text, frameworks, position, policy, ontology, note_id)
