# One image for both planes; compose.yaml picks the command. Not built on the development
# machines (no Docker engine there): kept correct by review.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY . .
# Production runs the compiled JavaScript (dist/), not tsx.
RUN npm run build
ENV HOST=0.0.0.0 NODE_ENV=production
USER node
