# kefu as an OCI image: a recipe, not verified by running docker on the development
# machine (it has no docker daemon). What it copies into the runtime stage is checked by
# scripts/check-release.sh (same files, production deps only, read-only, non-root).
# See deploy/README.md for `docker run` with a read-only root filesystem.

# 1. Build: all dependencies; npm ci runs "prepare" = scripts/build.mjs (tsc -> dist/, Vite -> web/dist).
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund

# 2. Production dependencies only (no tsx, Vite, TypeScript, Preact, Chart.js: the console is bundled).
#    --ignore-scripts: "prepare" needs the build tools; serialport and PGlite ship prebuilt binaries.
FROM node:20-bookworm-slim AS deps
WORKDIR /opt/kefu
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# 3. Runtime: the compiled release, read-only, run by an unprivileged user.
FROM node:20-bookworm-slim
# espeak-ng + sox speak the IVR prompts (kefu diagnose checks them); socat only for --demo.
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng sox socat \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/kefu --shell /usr/sbin/nologin --groups dialout kefu \
 && mkdir -p /var/lib/kefu /etc/kefu \
 && chown kefu:kefu /var/lib/kefu
WORKDIR /opt/kefu
# The runtime file set, deploy/runtime-files (test/integration/release.test.ts compares these lines
# with it). Owned by root: kefu cannot write it.
COPY --from=deps /opt/kefu/node_modules ./node_modules
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist/src ./dist/src
COPY --from=build /src/dist/drivers ./dist/drivers
COPY --from=build /src/dist/.kefu-build ./dist/.kefu-build
COPY --from=build /src/web/dist ./web/dist
COPY --from=build /src/config ./config
COPY --from=build /src/sql ./sql

# Data (PGlite database, recordings, TTS cache) in the volume; an optional config file in /etc/kefu.
# Inside the container the HTTP server must listen on all of the container's interfaces to be
# published (-p 8080:8080): said here explicitly, the daemon's own default stays 127.0.0.1.
ENV KEFU_HTTP_HOST=0.0.0.0 \
    KEFU_HTTP_PORT=8080 \
    KEFU_DATABASE_URL=pglite:///var/lib/kefu/db \
    KEFU_DATADIR=/var/lib/kefu
VOLUME ["/var/lib/kefu"]
EXPOSE 8080
USER kefu
WORKDIR /var/lib/kefu
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.KEFU_HTTP_PORT||8080)+'/api/v1/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# KEFU_CONFIG=/etc/kefu/kefu.yaml (mounted read-only) adds a config file; flags after the image name replace "serve".
ENTRYPOINT ["node", "/opt/kefu/bin/kefu.js"]
CMD ["serve"]
