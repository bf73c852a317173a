"""Development tools of the KUMKM Warehouse, not part of the package the Airflow image
installs: the sample dropzone generator (``kumkm_dev.sample_data``, used by ``make run`` and
the tests) and the benchmark (``kumkm_dev.bench``, ``make bench``)."""
