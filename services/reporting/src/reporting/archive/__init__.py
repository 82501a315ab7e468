"""The fact archive: monthly fact partitions past the retention exported per
organization to Parquet (zstd), recorded, then detached and dropped; the files stay
queryable through the analytics endpoint."""
