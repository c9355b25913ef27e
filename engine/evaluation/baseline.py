"""The baseline: what today's skill extractors do — nearest indicator by TF-IDF similarity over a threshold, no
BEI qualification (every matching sentence counts fully, whoever acted and whether it happened).

It feeds the same rules engine as the real evidence step (``Assessor.conclude``), so the difference in the figures
is the evidence step.
"""
from __future__ import annotations

from engine.assessor import Assessor
from engine.result import Result
from evidence.extract import ExtractedNote, note_language
from evidence.tfidf import CharNgramTfidf
from evidence.records import Evidence
from evidence.segment import segment

THRESHOLD = 0.1  # the dev corpus's best F1 for this method


class TfidfBaseline:
    name = "tfidf-baseline"

    def __init__(self, assessor: Assessor, threshold: float = THRESHOLD):
        self.assessor, self.threshold = assessor, threshold
        model = assessor.onto.model
        self.codes = list(model.indicators)
        documents = []
        for code in self.codes:
            ind = model.indicators[code]
            parts = [*ind.labels.values(), ind.definition or ""]
            parts += [s for texts in ind.examples.values() for s in texts]
            documents.append(" ".join(parts))
        self.vectorizer = CharNgramTfidf()
        self.matrix = self.vectorizer.fit_transform(documents)

    def assess(self, text: str, frameworks: tuple[str, ...], note_id: str) -> Result:
        model = self.assessor.onto.model
        scope = [i for i, c in enumerate(self.codes) if model.indicators[c].framework in frameworks]
        structure = segment(text)
        evidence = []
        sentences = list(structure.sentences)
        if sentences and scope:
            sims = (self.vectorizer.transform([text[s.start:s.end] for s in sentences]) @ self.matrix[scope].T).toarray()
            for row, sentence in zip(sims, sentences):
                best = int(row.argmax())
                if row[best] >= self.threshold:
                    code = self.codes[scope[best]]
                    evidence.append(Evidence(code, model.indicators[code].iri, text[sentence.start:sentence.end],
                                             sentence.start, sentence.end, sentence.lang, sentence.event,
                                             sentence.clauses[0], (self.name,), float(row[best]), (), 1.0))
        language, counts = note_language(structure)
        note = ExtractedNote(text, structure, evidence, language, counts)
        result = self.assessor.conclude(note, evidence, tuple(frameworks), None, note_id)
        result.engine["matcher"] = self.name
        return result
