# Multi-stage build of the `impact` server: compile with the Rust toolchain, run on a small Debian image
# as a non-root user.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin impact

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --create-home impact
COPY --from=build /src/target/release/impact /usr/local/bin/impact
USER impact
WORKDIR /app
ENV IMPACT_LISTEN=0.0.0.0:8080 \
    IMPACT_ENV=production \
    RUST_LOG=info
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["impact"]
CMD ["serve"]
