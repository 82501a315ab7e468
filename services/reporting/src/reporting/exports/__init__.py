"""Exports of dashboards and fact ranges as CSV, XLSX and Parquet files."""
