# One image for every Unison process: the command picks gateway, service or worker.
FROM python:3.11-slim-bookworm
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
COPY libs libs
COPY services services
COPY gateway gateway
COPY db db
RUN uv sync --frozen --no-dev && useradd --system --uid 10001 unison
ENV PATH="/app/.venv/bin:$PATH" PYTHONUNBUFFERED=1
USER unison
