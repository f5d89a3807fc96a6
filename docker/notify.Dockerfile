# syntax=docker/dockerfile:1
# Image: safety-hanta/notify — notify function: messages (webhook, Slack, Teams, email, Web Push),
#   escalation, outbox (ffmpeg for the mail thumbnail).
# Build from the repository root:  docker build -f docker/notify.Dockerfile -t safety-hanta/notify:0.1.0 .
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
COPY functions/notify ./functions/notify
RUN npx tsc -p docker/tsconfig.image.json

FROM node:22-slim AS runtime
# ffmpeg/ffprobe: the code spawns them (see the description above).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
# functions bind loopback unless told otherwise (BIND_HOST, issue #18.8); in a pod, kubelet httpGet probes go to the pod IP (Kubernetes API reference, HTTPGetAction v1 `host`: "defaults to the pod IP")
ENV BIND_HOST=0.0.0.0
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build --chown=root:root /app/functions/shared ./functions/shared
COPY --from=build --chown=root:root /app/functions/notify ./functions/notify
# uid/gid 1000 = the image's `node` user; numeric so runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
CMD ["node", "--import", "tsx", "functions/notify/src/main.ts"]
