"""The evidence step: a note in, qualified indicator evidence out.

segment the note → detect each sentence's language → tokenize with that language's blank spaCy pipeline →
collect the matcher backends' signals per unit (sentence or clause) → combine them into match decisions →
qualify the anchor clause under the BEI rules → weigh it with the policy. Every record keeps exact offsets into the
note as given.
"""
from __future__ import annotations

import functools
import hashlib
from collections import Counter, defaultdict
from importlib import resources
from dataclasses import dataclass, field

from engine.policy import Policy, load_policy
from evidence import classifier, lexical, semantic  # noqa: F401  (register the backends beyond "cue")
from evidence.combine import Combiner
from evidence.language import SUPPORTED
from evidence.lexicon import lemmatizer
from evidence.matchers import REGISTRY, MatcherBackend, NoteView, Signal
from evidence.pipeline import blank
from evidence.qualify import Qualifier
from evidence.records import Evidence
from evidence.segment import NoteStructure, segment
from evidence.triggers import joiner
from evidence.units import Unit, units_of
from ontology import Ontology, cache, load

MAX_CHARS = 2_000_000
DEFAULT_MATCHERS = ("cue", "lexical", "semantic", "classifier")
PUNCT = " \t\n,，;；:：、"


@dataclass
class ExtractedNote:
    text: str
    structure: NoteStructure
    evidence: list[Evidence]
    language: str
    languages: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)  # the matching units the evidence was decided in


def note_language(structure: NoteStructure) -> tuple[str, dict[str, int]]:
    """The note's language by characters of supported sentences; ``mixed`` when no language has 80%."""
    weights: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for sentence in structure.sentences:
        counts[sentence.lang] += 1
        if sentence.lang in SUPPORTED:
            weights[sentence.lang] += sentence.end - sentence.start
    total = sum(weights.values())
    if not total:
        return "en", dict(counts)
    lang, top = weights.most_common(1)[0]
    return (lang if top >= 0.8 * total else "mixed"), dict(counts)


class Extractor:
    """Extracts evidence for the indicators of the frameworks in scope; build once, use for many notes."""

    def __init__(self, onto: Ontology, policy: Policy, matchers: tuple[str, ...] = DEFAULT_MATCHERS,
                 combiner: Combiner | None = None):
        unknown = [m for m in matchers if m not in REGISTRY]
        if unknown:
            raise ValueError(f"unknown matcher backend(s) {unknown}; known: {sorted(REGISTRY)}")
        self.onto, self.policy, self.matcher_names = onto, policy, matchers
        self.combiner = combiner or Combiner.load()
        self._backends: dict[tuple[str, ...], list[MatcherBackend]] = {}

    @classmethod
    def create(cls, ontology: str | None = None, policy: str | None = None,
               matchers: tuple[str, ...] = DEFAULT_MATCHERS) -> "Extractor":
        return cls(load(ontology), load_policy(policy), matchers)

    def backends(self, frameworks: tuple[str, ...]) -> list[MatcherBackend]:
        """The matcher backends for the indicators of ``frameworks``: compiled once, and cached on disk by the
        ontology's content and the backends' code (compiling cues and fitting TF-IDF costs ~0.6 s of a cold start)."""
        if frameworks not in self._backends:
            model = self.onto.model
            scope = {code for fw in frameworks for code in model.frameworks[fw].indicators}
            key = f"{self.onto.content_hash}|{sorted(scope)}|{self.matcher_names}|{_backend_code_digest()}"
            self._backends[frameworks] = cache.cached(
                "backends", key, lambda: [REGISTRY[name](model, scope) for name in self.matcher_names])
        return self._backends[frameworks]

    def view(self, text: str) -> tuple[NoteView, Qualifier, list[str]]:
        """The note's structure, units and tokens, and a qualifier for its clauses."""
        structure = segment(text, {lang: joiner(lang) for lang in SUPPORTED})
        qualifier = Qualifier(structure)
        supported = [s for s in structure.sentences if s.lang in SUPPORTED]
        tokens = {s.index: self._tokens(text, s.lang, s.start, s.end) for s in supported if s.lang != "zh"}

        def has_negation(clause_index: int, before: int) -> bool:
            clause = structure.clauses[clause_index]
            return qualifier.negated_before(clause, min(before, clause.end)) is not None

        def clause_weight(clause_index: int) -> float:
            return self.policy.weight(qualifier.quality(structure.clauses[clause_index]).qualifiers())

        notices = []
        if not text.strip():
            notices.append("empty note: no evidence")
        unsupported = [s.index for s in structure.sentences if s.lang == "unsupported"]
        if unsupported:
            notices.append(f"language not supported in {len(unsupported)} sentence(s): "
                           + ", ".join(str(i + 1) for i in unsupported[:20]))
        view = NoteView(structure, units_of(structure, supported, lambda c: qualifier.quality(structure.clauses[c]).qualifiers()), tokens, text.lower(), has_negation, clause_weight)
        return view, qualifier, notices

    def signals(self, view: NoteView, frameworks: tuple[str, ...],
                gated: bool = True) -> dict[tuple[int, str], dict[str, Signal]]:
        """Every backend's signals, grouped by (unit, indicator). ``gated``: a backend is told which units it can
        still change the decision about (``NoteView.open_units``, from the combiner and the signals so far), so a
        costly one (the semantic matcher) looks at those only; what is decided comes out the same."""
        grouped: dict[tuple[int, str], dict[str, Signal]] = defaultdict(dict)
        view.prior = grouped  # later (costlier) backends may look at what the cheaper ones found
        backends = self.backends(frameworks)
        for position, backend in enumerate(backends):
            if gated and position:
                later = [b.name for b in backends[position:]]
                by_unit: dict[int, list[tuple[str, dict[str, Signal]]]] = defaultdict(list)
                for (unit, code), signals in grouped.items():
                    by_unit[unit].append((self._competency(code), signals))
                view.open_units = {u.index for u in view.units
                                   if self.combiner.undecided(by_unit[u.index], later, u)}
            for key, signal in backend.signals(view).items():
                grouped[key][backend.name] = signal
        return grouped

    def extract(self, text: str, frameworks: list[str] | tuple[str, ...]) -> ExtractedNote:
        if len(text) > MAX_CHARS:
            raise ValueError(f"note of {len(text):,} characters is over the {MAX_CHARS:,} limit")
        view, qualifier, notices = self.view(text)
        language, counts = note_language(view.structure)
        signals = self.signals(view, tuple(frameworks))
        accepted: dict[int, list[tuple[float, str, str]]] = defaultdict(list)
        for (unit_index, code), unit_signals in signals.items():
            probability = self.combiner.probability(unit_signals, view.units[unit_index], code)
            if probability >= self.combiner.threshold:
                accepted[unit_index].append((probability, code, self._competency(code)))
        evidence = []
        for unit_index in sorted(accepted):
            for probability, code, _ in sorted(self.combiner.kept(accepted[unit_index]), key=lambda a: a[1]):
                evidence.append(self._record(text, view, qualifier, view.units[unit_index], code,
                                             signals[(unit_index, code)], probability))
        return ExtractedNote(text, view.structure, evidence, language, counts, notices, view.units)

    @staticmethod
    def _tokens(text: str, lang: str, start: int, end: int) -> list[tuple[int, int, frozenset[str]]]:
        lemmas = lemmatizer(lang).lemmas
        doc = blank(lang).tokenizer(text[start:end])
        return [(start + t.idx, start + t.idx + len(t.text), lemmas(t.text)) for t in doc if not t.is_space]

    def _record(self, text: str, view: NoteView, qualifier: Qualifier, unit: Unit, code: str,
                signals: dict[str, Signal], probability: float) -> Evidence:
        structure = view.structure
        cue = signals.get("cue")
        if cue is not None:
            start, end, anchor, anchor_clause, negation_required = cue.start, cue.end, cue.anchor, cue.anchor_clause, cue.negation_required
        else:
            anchor_clause = unit.clauses[0]
            start, end = unit.start, unit.end
            anchor = structure.clauses[anchor_clause].end
            negation_required = semantic.negated(text[unit.start:unit.end]) and self._abstention(code)
        clause = structure.clauses[anchor_clause]
        quality = qualifier.quality(clause)
        qualifiers, reasons = list(quality.qualifiers()), list(quality.reasons)
        if not negation_required:
            trigger = qualifier.negated_before(clause, anchor)
            if trigger:
                qualifiers.append("negated")
                reasons.append(f"negated ('{trigger}'): no evidence for the behaviour")
        while end > start and text[end - 1] in PUNCT:
            end -= 1
        return Evidence(indicator=code, iri=self.onto.model.indicators[code].iri, quote=text[start:end], start=start,
                        end=end, lang=clause.lang, event=clause.event, clause=clause.index,
                        matchers=tuple(sorted(signals)), score=round(probability, 4), qualifiers=tuple(qualifiers),
                        weight=self.policy.weight(qualifiers), reasons=tuple(reasons))

    @functools.lru_cache(maxsize=None)
    def _competency(self, code: str) -> str:
        """What a clause evidences one indicator of: the competency, or the checklist's section."""
        indicator = self.onto.model.indicators[code]
        return indicator.competency or indicator.section or code

    @functools.lru_cache(maxsize=None)
    def _abstention(self, code: str) -> bool:
        """An indicator whose examples are negated ("does not argue"): a negated clause is evidence for it."""
        examples = [s for texts in self.onto.model.indicators[code].examples.values() for s in texts]
        return bool(examples) and sum(semantic.negated(s) for s in examples) * 2 >= len(examples)


@functools.lru_cache(maxsize=1)
def _backend_code_digest() -> str:
    """A digest of the modules that build backends: a code change invalidates the disk cache."""
    folder = resources.files("evidence")
    names = ("cues.py", "lexical.py", "semantic.py", "classifier.py", "matchers.py", "tfidf.py", "units.py")
    return hashlib.sha256(b"".join((folder / name).read_bytes() for name in names)).hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def default_extractor(ontology: str | None = None, policy: str | None = None) -> Extractor:
    return Extractor.create(ontology, policy)
