# syntax=docker/dockerfile:1
# The payment-platform operator image.
#
# Node.js 24 is the Active LTS line (maintained until April 2028); the build and runtime stages
# use the same major. @kubernetes/client-node is pinned to 1.4.0 in package.json and
# package-lock.json, and both this image and the test suites install it with `npm ci` from that
# lockfile, so the image runs exactly the client the tests ran (1.4.x supports Node.js 20 to 24;
# 2.x would need Node.js >= 22.19 everywhere).
#
#   docker build -t payment-platform-operator:0.1.0 .
#   docker run --rm payment-platform-operator:0.1.0 --help
ARG NODE_MAJOR=24

FROM node:${NODE_MAJOR}-bookworm-slim AS build
WORKDIR /src
ENV NODE_ENV=development npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json --outDir /out \
 && npm ci --omit=dev --ignore-scripts \
 && mkdir -p /app/dist \
 && cp -r /out/src /app/dist/src \
 && cp -r node_modules package.json /app/

# Distroless: no shell, no package manager; runs as uid/gid 65532 ("nonroot"), which the chart's
# securityContext also sets. Nothing is written at run time, so the root filesystem is read-only.
FROM gcr.io/distroless/nodejs${NODE_MAJOR}-debian12:nonroot AS runtime
WORKDIR /app
COPY --from=build --chown=0:0 /app /app
ENV NODE_ENV=production
USER 65532:65532

# function-payments-readiness, the nested layout's composition function (src/function), from the
# same build: `docker build --target function -t function-payments-readiness:0.1.0 .`, then
# `crossplane xpkg build --package-root=function/package --embed-runtime-image=function-payments-readiness:0.1.0`.
# Crossplane's function runtime mounts its TLS secret at /tls/server (TLS_SERVER_CERTS_DIR) and
# calls it on 9443.
FROM runtime AS function
EXPOSE 9443
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/src/function/main.js"]

# The operator (the default target).
FROM runtime AS operator
EXPOSE 8080
# For `docker run`; Kubernetes ignores it and uses the chart's probes on the same endpoint.
# Distroless has no shell or curl: node itself asks /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/nodejs/bin/node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/src/operator/main.js"]
