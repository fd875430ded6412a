# Bunker in a container: Debian with Node.js (for npm, which installs the pinned bun), clang for the
# native library. Data lives in /data.
FROM node:20-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends clang make && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN make -s -C native
EXPOSE 6379
VOLUME /data
CMD ["node_modules/.bin/bun", "src/main.ts", "--bind", "0.0.0.0", "--port", "6379", "--dir", "/data"]
