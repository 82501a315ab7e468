# One image for every Unison process: the command picks gateway, service, worker or job.
FROM python:3.11-slim-bookworm
# pg_dump / pg_restore of the server's major version, for `unison_stack backup|restore`.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
COPY libs libs
COPY services services
COPY gateway gateway
COPY db db
# The workspace members are installed editable: compose.dev.yaml mounts the source over
# them. .data is where unison_stack keeps state; in a container every secret comes from
# the environment, but the directory must be the runtime user's.
RUN uv sync --frozen --no-dev \
 && useradd --system --uid 10001 unison \
 && install -d -o unison -g unison /app/.data
ENV PATH="/app/.venv/bin:$PATH" PYTHONUNBUFFERED=1
USER unison
