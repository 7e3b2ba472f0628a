# One image for the API (`remit serve`) and the worker (`remit worker`), with the portal and dashboard web apps built in.
FROM node:20-slim AS web
# The apps import ../web-shared and ../openapi: keep the repository's layout under /web.
WORKDIR /web/web-portal
COPY web-portal/package.json web-portal/package-lock.json ./
RUN npm ci --no-audit --no-fund
WORKDIR /web/web-partner
COPY web-partner/package.json web-partner/package-lock.json ./
RUN npm ci --no-audit --no-fund
WORKDIR /web
COPY openapi ./openapi
COPY web-shared ./web-shared
COPY web-portal ./web-portal
COPY web-partner ./web-partner
RUN cd web-portal && npm run build && cd ../web-partner && npm run build

FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY pyproject.toml README.md ./
COPY api ./api
COPY domain ./domain
COPY adapters ./adapters
COPY workers ./workers
COPY migrations ./migrations
COPY openapi ./openapi
COPY --from=web /web/web-portal/dist ./web-portal/dist
COPY --from=web /web/web-partner/dist ./web-partner/dist
COPY web-portal/pay-button ./web-portal/pay-button
RUN pip install --no-cache-dir --no-deps -e . && useradd --create-home remit && mkdir -p var && chown remit var
USER remit
ENV REMIT_ENV=production
# The load balancer or TLS-terminating proxy in front, as addresses or CIDR networks separated by commas (for
# example 10.0.0.0/8): only its X-Forwarded-For and X-Forwarded-Proto are believed. Empty trusts none; set it with
# `docker run -e REMIT_TRUSTED_PROXIES=…`, or clients share one rate-limit bucket and the cookie is not Secure.
ENV REMIT_TRUSTED_PROXIES=""
EXPOSE 8000
CMD ["remit", "serve", "--host", "0.0.0.0", "--port", "8000"]
