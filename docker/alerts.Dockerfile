# syntax=docker/dockerfile:1
# Image: safety-hanta/alerts — alerts function: CloudEvent subscriber, alert store, dashboard
#   (ffmpeg for camera thumbnails; chromium and CJK fonts to print the record's report PDFs).
# Build from the repository root:  docker build -f docker/alerts.Dockerfile -t safety-hanta/alerts:0.1.0 .
#
# Stage "build": all dependencies, then a typecheck of the shipped sources; the image is not
# built when they do not typecheck. Stage "runtime": production dependencies only
# (npm ci --omit=dev), the checked sources, a non-root user. TypeScript runs through tsx
# (a production dependency), exactly like `npm run start:*`; tsx caches its transpiled
# output under /tmp, which the manifests mount as an emptyDir so the root FS can be read-only.

FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --no-audit --no-fund
COPY docker/tsconfig.image.json ./docker/
COPY functions/shared ./functions/shared
COPY functions/alerts ./functions/alerts
RUN npx tsc -p docker/tsconfig.image.json

FROM node:22-slim AS runtime
# ffmpeg/ffprobe: the code spawns them (see the description above).
# chromium: GET /reports/*.pdf prints the report HTML with `chromium --headless --print-to-pdf`
#   (functions/alerts/src/adapters/pdf.ts; CHROMIUM_PATH defaults to `chromium`, Debian's
#   /usr/bin/chromium); without it the PDF route answers 503 (issue #25.6).
# fonts-noto-cjk: the reports are in Korean (titles, summaries, actions); Debian's chromium
#   depends on no CJK font, so without one every Hangul glyph prints as an empty box.
#   Package names from Debian bookworm, the base of node:22-slim (packages.debian.org/bookworm/chromium,
#   packages.debian.org/bookworm/fonts-noto-cjk).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg chromium fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
# functions bind loopback unless told otherwise (BIND_HOST, issue #18.8); in a pod, kubelet httpGet probes go to the pod IP (Kubernetes API reference, HTTPGetAction v1 `host`: "defaults to the pod IP")
ENV BIND_HOST=0.0.0.0
# the root FS is read-only in the cluster (knative/alerts.yaml); chromium writes its profile under
# --user-data-dir (a private dir in /tmp, pdf.ts) and its caches under XDG dirs: those go to /tmp too
ENV XDG_CONFIG_HOME=/tmp/.config XDG_CACHE_HOME=/tmp/.cache
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build --chown=root:root /app/functions/shared ./functions/shared
COPY --from=build --chown=root:root /app/functions/alerts ./functions/alerts
# uid/gid 1000 = the image's `node` user; numeric so runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
CMD ["node", "--import", "tsx", "functions/alerts/src/main.ts"]
