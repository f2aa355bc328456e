# Everyday commands. `just --list` shows them; each is a plain cargo call, so
# nothing here is needed to build or test the project.

# Run the whole test suite (the same command CI runs).
test:
    cargo test --workspace

# Formatting and lints exactly as CI checks them.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Everything CI does, in the same order.
ci:
    bash .ci/run

# The whole connector at work in one command: sandbox, ingest and two
# workers on a fresh store, realistic traffic, then what it did and whether
# anything was lost (`soctl demo --help`; try --json or --keep-running).
demo *ARGS:
    cargo build --bins
    ./target/debug/soctl demo {{ARGS}}

# Start the webhook receiver with settings from ./.env.
ingest *ARGS:
    cargo run --release --bin so-ingest -- {{ARGS}}

# Start the local SuperOffice tenant with its shipped seed.
sandbox *ARGS:
    cargo run --release --bin so-sandbox -- {{ARGS}}

# Ingest throughput benchmark: acknowledgements/s, latency, peak RSS.
bench-ingest *ARGS:
    cargo run --release -p so-ingest --example ingest-bench -- {{ARGS}}

# Job store benchmark: raw commit ceiling and claim-and-finish rate.
bench-store:
    cargo run --release -p so-queue --example store_bench

# Worker benchmark: jobs/s, calls per job, latency, peak RSS.
bench-worker *ARGS:
    cargo run --release -p so-worker --bin worker-bench -- {{ARGS}}

# Check the systemd units in deploy/ with systemd-analyze verify, against
# freshly built binaries (CI runs the same script after its tests).
deploy-verify:
    cargo build --bin so-ingest --bin so-worker
    bash deploy/verify-units.sh
