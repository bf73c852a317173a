"""Provincial submissions: from a dropzone file to typed rows in the raw layer.

- ``filenames``: what a dropzone file name says (dataset, province, period);
- ``datasets``: the five dataset contracts (columns, aliases, types, choices);
- ``values``: one cell -> one typed value (numbers, percents, dates, categories, regencies);
- ``readers``: CSV / XLSX files -> header + rows (encodings, title rows, totals, sheets);
- ``normalize``: one row -> the typed raw-table row and the contract's row-level rules;
- ``load``: one file -> one submission (log, COPY, quarantine, duplicates), the dropzone run.
"""
