"""The baseline: what today's skill extractors do — nearest indicator by TF-IDF similarity over a threshold, no
BEI qualification (every matching sentence counts fully, whoever acted and whether it happened).

It feeds the same rules engine as the real evidence step, so the difference in the figures is the evidence step.
"""
from __future__ import annotations

from sklearn.feature_extraction.text import TfidfVectorizer

from engine.policy import Policy
from engine.rules import build_rules, run
from engine.rules.scoring import base_facts
from engine.result import Result, competency_entries, discounted_entries, engine_info, indicator_entries
from evidence.records import Evidence
from evidence.segment import segment
from ontology import Ontology

THRESHOLD = 0.1


class TfidfBaseline:
    name = "tfidf-baseline"

    def __init__(self, onto: Ontology, policy: Policy, threshold: float = THRESHOLD):
        self.onto, self.policy, self.threshold = onto, policy, threshold
        model = onto.model
        self.codes = list(model.indicators)
        documents = []
        for code in self.codes:
            ind = model.indicators[code]
            parts = [*ind.labels.values(), ind.definition or ""]
            parts += [s for texts in ind.examples.values() for s in texts]
            documents.append(" ".join(parts))
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, lowercase=True)
        self.matrix = self.vectorizer.fit_transform(documents)

    def assess(self, text: str, frameworks: tuple[str, ...], note_id: str) -> Result:
        model = self.onto.model
        scope = [i for i, c in enumerate(self.codes) if model.indicators[c].framework in frameworks]
        structure = segment(text)
        evidence = []
        sentences = [s for s in structure.sentences if s.end > s.start]
        if sentences and scope:
            sims = (self.vectorizer.transform([text[s.start:s.end] for s in sentences]) @ self.matrix[scope].T).toarray()
            for row, sentence in zip(sims, sentences):
                best = int(row.argmax())
                if row[best] >= self.threshold:
                    code = self.codes[scope[best]]
                    evidence.append(Evidence(code, model.indicators[code].iri, text[sentence.start:sentence.end],
                                             sentence.start, sentence.end, sentence.lang, sentence.event,
                                             sentence.clauses[0], (self.name,), float(row[best]), (), 1.0))
        competencies = tuple(c for fw in frameworks for c in model.levelled_competencies(fw))
        memory = run(build_rules(model, self.policy, competencies), base_facts(evidence))
        return Result(id=note_id, language="", frameworks=list(frameworks),
                      competencies=competency_entries(memory, model, competencies, {}),
                      indicators=indicator_entries(memory, model), discounted=discounted_entries(memory),
                      engine=engine_info(self.onto.content_hash, f"{self.name} + {self.policy.label}"))
