"""Corpus runs: many reports checked in parallel into one DuckDB store.

- ``store``: the DuckDB schema and a small read/write API (``Store``).
- ``run``: ``run_corpus`` finds files (folders, zip archives, manifests),
  checks them in worker processes (local or Dask) and writes batches.
- ``agencies``: agency-name normalisation across years.
- ``generate``: a synthetic corpus made by varying the real samples.
- ``summary``: the HTML / CSV / XLSX summary of a store.

See docs/corpus.md for running on a cluster.
"""
