#!/usr/bin/env bash
# Fuzz every parser entry point with cargo-fuzz (libFuzzer): images (inspect, strip), documents
# (DOCX/DICOM inspect, clean) and the text engine (check, fix twice).
# usage: eval/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 30 s, every target)
# Needs a nightly toolchain (`rustup toolchain install nightly`) and cargo-fuzz, which this
# script installs from crates.io when it is missing. Seeds come from the fixtures; crashes are
# written to fuzz/artifacts/TARGET/ and the run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(image_inspect image_strip document_inspect document_clean text_check)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
for t in "${targets[@]}"; do
  corpus=fuzz/corpus/$t
  mkdir -p "$corpus"
  case $t in
    image_*) cp -n crates/media/fixtures/*.{jpg,png,webp,heic} "$corpus"/ 2>/dev/null || true ;;
    document_*) cp -n crates/media/fixtures/*.{docx,dcm} "$corpus"/ 2>/dev/null || true ;;
    text_check) cp -n examples/*.txt "$corpus"/ 2>/dev/null || true ;;
  esac
  echo "=== fuzz $t for ${secs}s"
  (cd fuzz && cargo +nightly fuzz run "$t" "../$corpus" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 2>&1 | tail -12)
done
