# syntax=docker/dockerfile:1
# Image: safety-hanta/vllm-sim — vLLM simulator (OpenAI-compatible stand-in, no GPU; decodes
#   video in-process with node-av's prebuilt FFmpeg libraries, or with an ffmpeg child when
#   VLLM_SIM_DECODER=ffmpeg) for smoke tests on clusters without a GPU.
# Build from the repository root:  docker build -f docker/vllm-sim.Dockerfile -t safety-hanta/vllm-sim:0.1.0 .
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
COPY simulator/shared ./simulator/shared
COPY simulator/vllm ./simulator/vllm
RUN npx tsc -p docker/tsconfig.image.json

FROM node:22-slim AS runtime
# ffmpeg: spawned by the VLLM_SIM_DECODER=ffmpeg fallback (see the description above).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build --chown=root:root /app/functions/shared ./functions/shared
COPY --from=build --chown=root:root /app/simulator/shared ./simulator/shared
COPY --from=build --chown=root:root /app/simulator/vllm ./simulator/vllm
# uid/gid 1000 = the image's `node` user; numeric so runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
CMD ["node", "--import", "tsx", "simulator/vllm/src/main.ts"]
