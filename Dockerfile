# Multi-stage build of the `impact` server: compile with the Rust toolchain, run on a small Debian image
# as a non-root user.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src

# Dependencies first, from the manifests and .cargo/config.toml alone with stub sources, so this layer is reused
# until they change and a source edit rebuilds only the workspace's own crates.
COPY Cargo.toml Cargo.lock ./
# The build settings (the bundled SQLite's flags) belong to the dependencies' layer too.
COPY .cargo .cargo
COPY api/Cargo.toml api/
COPY entity/Cargo.toml entity/
COPY migration/Cargo.toml migration/
RUN mkdir -p src api/src entity/src migration/src tests/api \
 && echo 'fn main() {}' > src/main.rs \
 && touch api/src/lib.rs entity/src/lib.rs migration/src/lib.rs tests/api/main.rs \
 && cargo build --release --locked --bin impact \
 && rm -rf src api/src entity/src migration/src tests \
    target/release/impact target/release/deps/impact-* \
    target/release/deps/libapi-* target/release/deps/libentity-* target/release/deps/libmigration-* \
    target/release/.fingerprint/impact-* target/release/.fingerprint/api-* \
    target/release/.fingerprint/entity-* target/release/.fingerprint/migration-*

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
# Production by default: it needs IMPACT_JWT_SECRET (or IMPACT_JWT_PRIVATE_KEY_FILE) and a DATABASE_URL, and
# has no GraphiQL or introspection. RUST_LOG is the documented default filter.
ENV IMPACT_LISTEN=0.0.0.0:8080 \
    IMPACT_ENV=production \
    RUST_LOG=info,sqlx=warn,sea_orm=warn
EXPOSE 8080
# Healthy once the database answers too (`/readyz`); `/healthz` only says the process is up.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["impact"]
CMD ["serve"]
