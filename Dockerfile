# Production image: slim, non-root, gunicorn. Configuration comes from the
# environment (see README.md and DESIGN.md); the image holds no secret.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic only reads files: a throwaway secret is enough at build time.
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --no-create-home --uid 10001 app \
    && mkdir -p /app/media && chown app /app/media

USER app
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD python -c \
    "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live')"
# Sync workers, 2 x CPUs + 1 of them: config/gunicorn.conf.py says why (measured).
CMD ["gunicorn", "--config", "config/gunicorn.conf.py", "config.wsgi:application"]
