# Parallax portal and indexer image (docker-compose.yml builds it for both).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PARALLAX_DATA=/data

WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
COPY textkit ./textkit
COPY store ./store
COPY mappings ./mappings
COPY indexer ./indexer
COPY portal ./portal
COPY parallax ./parallax
RUN pip install --upgrade pip && pip install . \
    && useradd --create-home --uid 10001 parallax \
    && mkdir -p /data /corpus && chown parallax /data

USER parallax
EXPOSE 8000

# The portal under gunicorn; the indexer service overrides the command.
ENV GUNICORN_CMD_ARGS="--workers 3"
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--timeout", "60", "--access-logfile", "-", "portal:create_app()"]
