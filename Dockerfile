# syntax=docker/dockerfile:1
# tollgate container image.
#   docker build -t tollgate:0.1.0 .
#   docker run --rm -p 8080:8080 -p 9464:9464 tollgate:0.1.0
# The config file is /etc/tollgate/tollgate.yaml (TOLLGATE_CONFIG); mount your own over it.
# Environment overrides: PORT, ADMIN_PORT, METRICS_PORT, HOST, REDIS_URL, REDIS_PASSWORD,
# TOLLGATE_KEY_PREFIX, LOG_LEVEL, TOLLGATE_ISSUER, TOLLGATE_BOOTSTRAP_TOKEN (a tg_a_... admin
# token adopted into the store at start). See docs/deployment.md.

ARG NODE_VERSION=24

# Build: every dependency (TypeScript, Vite) to compile dist/.
FROM node:${NODE_VERSION}-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Production dependencies only; no install scripts, none of them needs one.
FROM node:${NODE_VERSION}-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# Runtime: node, tini, the compiled code and production node_modules, owned by root and
# read-only to the process, which runs as the unprivileged `node` user (uid 1000).
FROM node:${NODE_VERSION}-slim AS runtime
# tini as PID 1 forwards SIGTERM to node (which drains, see `tollgate serve`) and also
# makes a signal that arrives before node has installed its handlers stop the process.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && printf '#!/bin/sh\nexec node /app/dist/cli/index.js "$@"\n' > /usr/local/bin/tollgate \
 && chmod 0755 /usr/local/bin/tollgate
ENV NODE_ENV=production \
    TOLLGATE_CONFIG=/etc/tollgate/tollgate.yaml
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY config/tollgate.yaml /etc/tollgate/tollgate.yaml
USER 1000:1000
# 8080: edge proxy (and admin API/console unless ADMIN_PORT differs); 9464: /metrics, /healthz, /readyz.
EXPOSE 8080 9464
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/cli/index.js"]
CMD ["serve", "--config", "/etc/tollgate/tollgate.yaml"]

LABEL org.opencontainers.image.title="tollgate" \
      org.opencontainers.image.description="Edge auth gateway: Bearer-token authentication and authorization in front of HTTP APIs" \
      org.opencontainers.image.licenses="Apache-2.0"
