"""The paragraph classifier as a spaCy pipeline component: a ``Doc`` carries its label.

    nlp = make_nlp()                      # blank "zh" (jieba segmenter) + the component
    doc = nlp("一是重点领域信息公开工作还需加强……")
    doc.cats                              # {"problem": 0.93, "measure": 0.02, …}
    doc._.paragraph_label                 # "problem"

The component wraps the same model as ``label_paragraphs``; it labels the text alone
(a spaCy Doc has no part/subsection), so use ``label_paragraphs`` for a segmented report.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .classifier import LABELS, ParagraphClassifier

FACTORY = "nianbao_paragraph_classifier"

if not Doc.has_extension("paragraph_label"):
    Doc.set_extension("paragraph_label", getter=lambda doc: max(doc.cats, key=doc.cats.get) if doc.cats else None)


class ParagraphCategorizer:
    """Sets ``doc.cats`` to the classifier's probability for every label."""

    def __init__(self, name: str, model: ParagraphClassifier) -> None:
        self.name = name
        self.model = model

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._label(batch)
                batch = []
        if batch:
            yield from self._label(batch)

    def _label(self, docs: list[Doc]) -> list[Doc]:
        probs = self.model.text_probabilities([doc.text for doc in docs])
        for doc, row in zip(docs, probs):
            doc.cats = {label: float(p) for label, p in zip(LABELS, row)}
        return docs


@Language.factory(FACTORY, default_config={"model_dir": None})
def make_paragraph_categorizer(nlp: Language, name: str, model_dir: str | None) -> ParagraphCategorizer:
    """Load the model from ``model_dir`` (default: the packaged one); FileNotFoundError if absent."""
    return ParagraphCategorizer(name, ParagraphClassifier.load(Path(model_dir) if model_dir else None))


def make_nlp(model_dir: Path | None = None) -> Language:
    """A blank Chinese pipeline (jieba words) with the paragraph categorizer."""
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe(FACTORY, config={"model_dir": str(model_dir) if model_dir else None})
    return nlp
