#!/usr/bin/env bash
# Install the dashboard's Python dependencies in .venv and serve it on the embedded default
# (SQLite files under instance/; national demo data is built on first run).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
exec python app.py
