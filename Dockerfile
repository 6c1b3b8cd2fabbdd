# syntax=docker/dockerfile:1
# Multi-stage: the build stage has the compiler and dev dependencies; the runtime stage has
# only the compiled server and its production dependencies, and runs as the unprivileged
# `node` user. Build: docker build -t loyalty-api .   Run with MongoDB: docker compose up

ARG NODE_VERSION=20.19

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY scripts ./scripts
COPY packages/mongo-standin ./packages/mongo-standin
COPY src ./src
COPY console ./console
# npm ci runs `prepare`, which compiles (tsc: type-graphql needs the emitted decorator metadata).
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
# The bundled /admin and /graphiql pages (built by esbuild, a dev dependency, in the build stage).
COPY --from=build /app/dist/console ./dist/console
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4000/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
