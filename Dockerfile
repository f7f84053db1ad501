# Multi-stage build: a static pantau binary on a distroless base, run as a
# non-root user, SQLite data in a volume. No Docker engine runs on our
# development machines; this file is kept simple and checked by reading.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json* ./
RUN if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; fi

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=assets /src/node_modules ./node_modules
RUN make assets 2>/dev/null || true
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/pantau ./cmd/pantau \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/pantau /usr/local/bin/pantau
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
VOLUME /data
ENV PANTAU_ADDR=:8080 \
    PANTAU_DATABASE_URL=/data/pantau.db \
    PANTAU_LOG_FORMAT=json
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD ["/usr/local/bin/pantau", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/pantau"]
CMD ["serve"]
