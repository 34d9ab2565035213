# Production image: gunicorn (web), celery worker and beat share it (see docker-compose.yml).
FROM node:20-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH

RUN python -m venv /opt/venv && pip install --no-cache-dir uv==0.13.8
WORKDIR /app
COPY requirements.lock .
RUN uv pip sync --python /opt/venv/bin/python requirements.lock

COPY . .
COPY --from=frontend /app/node_modules ./node_modules
RUN DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=x DJANGO_CSRF_TRUSTED_ORIGINS=https://x \
    DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    EMAIL_URL=consolemail:// FIELD_ENCRYPTION_KEYS=build python manage.py collectstatic --no-input \
 && useradd --system --uid 10001 app && chown -R app /app \
 && mkdir -p /srv/exports && chown app /srv/exports
USER app

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
