# PostgreSQL 15 with the extensions Unison uses, from the same Debian packages as ./dev up
# (pg_cron, pg_partman, rum). The pgmq SQL is not baked in here: the `migrate` job installs
# it from the pinned `pgmq` PyPI package into the database, owned by unison_owner and its
# version recorded in meta.components, exactly as ./dev up does, so both paths run the
# same queue code and an image rebuild can never change it behind the migrations' back.
FROM postgres:15-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15-cron postgresql-15-partman postgresql-15-rum \
 && rm -rf /var/lib/apt/lists/*
