"""Runs Unison on one machine: the embedded cluster, bootstrap, demo data, processes."""
