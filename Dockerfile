# The sensegrid gateway. Build from the repository root: docker build -t sensegrid .
FROM node:20-bookworm-slim
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY twin/package.json twin/
COPY gateway/package.json gateway/
COPY firmware-sim/package.json firmware-sim/
COPY dashboards/package.json dashboards/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build -w @sensegrid/dashboards
ENV SENSEGRID_HOST=0.0.0.0 \
    SENSEGRID_DATA_DIR=/data
VOLUME /data
EXPOSE 1883 8080
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=64", "bin/sensegrid.mjs", "start"]
