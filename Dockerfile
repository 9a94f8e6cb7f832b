# syntax=docker/dockerfile:1.7
# One image for both processes of the street; the Helm chart picks the entry point:
#   operator: node dist/operator/main.js      runtime: node dist/runtime/main.js (the default)
# Build:  docker build -t outputstraat:dev .
# The base is the Node.js LTS line CI tests on (scripts/tools/node-lts.sh; package.json engines: >=24.11).
# For a reproducible build pin it by digest: --build-arg NODE_IMAGE=node:24-bookworm-slim@sha256:<digest>.
ARG NODE_IMAGE=node:24-bookworm-slim

# Production dependencies only, without install scripts (nothing here needs a native build; the
# embedded PostgreSQL of the local street is never started in a cluster).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The typed ERP client's workspace (clients/typescript) is named by package.json; only its manifest.
COPY clients/typescript/package.json clients/typescript/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Compile TypeScript to dist/ with the full toolchain.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY clients/typescript/package.json clients/typescript/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY core core
COPY platform platform
COPY operator operator
COPY runtime runtime
COPY scripts scripts
COPY crds crds
RUN npm run build

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# A fixed, unprivileged identity; the chart runs the pods as 10001 with a read-only root filesystem.
RUN groupadd --system --gid 10001 outputstraat \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin outputstraat
# Everything is owned by root and only readable by the process: it cannot change its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY crds ./crds
COPY bin ./bin
USER 10001:10001
EXPOSE 8080 8081
CMD ["node", "dist/runtime/main.js"]
