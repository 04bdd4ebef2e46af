"""Measuring nianbao: scorers against labelled reports (gold.md), the claims and findings scorers,
the learned-linker experiment, and synthetic corpora and benchmarks.

Nothing here runs when a report is checked; the runtime stages never import this package.

- ``reports``: ``nianbao evaluate`` on labelled folders (cells, claims, findings, paragraphs);
- ``claims``: (metric, value) precision/recall on labelled sentences and gold folders;
- ``findings``: findings scored as gold.md says, and ReportResults built from gold labels;
- ``learned_linker``: a learned second opinion for unlinked figures, measured against the rules;
- ``generate``, ``synthbench``: synthetic reports and corpora with known figures and planted errors.

(Fitting the paragraph classifier and writing its model card is ``nianbao.training``.)
"""
