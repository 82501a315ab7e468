# PostgreSQL 15 with the extensions Unison uses, from the same Debian packages as ./dev up.
FROM postgres:15-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15-cron postgresql-15-partman postgresql-15-rum \
 && rm -rf /var/lib/apt/lists/*
