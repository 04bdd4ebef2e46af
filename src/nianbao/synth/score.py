"""Cell accuracy of extracted tables against known truth (gold.json ``tables``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Score:
    correct: int = 0
    total: int = 0
    wrong: list[tuple[str, object, object]] = field(default_factory=list)  # (ref, truth, got)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0

    def __iadd__(self, other: "Score") -> "Score":
        self.correct += other.correct
        self.total += other.total
        self.wrong += other.wrong
        return self

    def __str__(self) -> str:
        return f"{self.correct}/{self.total} cells ({100 * self.accuracy:.2f} %)"


def score_values(truth: dict[str, dict], got: dict[str, dict]) -> Score:
    """Exact-match score of every truth cell; ``got`` maps T2/T3/T4 to {key: value}."""
    s = Score()
    for table, cells in truth.items():
        values = got.get(table) or {}
        for key, want in cells.items():
            have = values.get(key)
            s.total += 1
            if have is not None and abs(float(have) - float(want)) < 1e-9:
                s.correct += 1
            else:
                s.wrong.append((f"{table}.{key}", want, have))
    return s


def score_document(doc, truth: dict[str, dict]) -> Score:
    """Map a Document's table blocks with the tables stage and score them."""
    from ..tables import extract_tables

    extraction = extract_tables(doc)
    return score_values(truth, {name: t.values() for name, t in extraction.tables.items()})
