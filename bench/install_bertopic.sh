#!/usr/bin/env bash
# Install BERTopic (the theme benchmarks' reference) into the ACTIVE venv, CPU only:
# its runtime deps from bench/requirements-bertopic.txt, then bertopic itself with --no-deps
# so sentence-transformers / torch / CUDA are never pulled in. Bench-only; sddkit does not need it.
#     . .venv/bin/activate && bash bench/install_bertopic.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BERTOPIC_VERSION="0.17.4"
PYTHON="${PYTHON:-python}"

if [ -z "${VIRTUAL_ENV:-}" ] && [ "${ALLOW_NO_VENV:-0}" != "1" ]; then
  echo "install_bertopic.sh: activate a venv first (or set ALLOW_NO_VENV=1)" >&2
  exit 2
fi

heavy() {  # installed torch / CUDA / sentence-transformers distributions, one a line
  "$PYTHON" - <<'PY'
from importlib.metadata import distributions

for name in sorted({(d.metadata["Name"] or "").lower() for d in distributions()}):
    if name.startswith(("torch", "nvidia-", "sentence-transformers", "triton")) or "cuda" in name:
        print(name)
PY
}

before="$(heavy)"
"$PYTHON" -m pip install -q -r bench/requirements-bertopic.txt
"$PYTHON" -m pip install -q --no-deps "bertopic==${BERTOPIC_VERSION}"
after="$(heavy)"

new="$(comm -13 <(printf '%s\n' "$before" | sort) <(printf '%s\n' "$after" | sort) | sed '/^$/d')"
if [ -n "$new" ]; then
  echo "install_bertopic.sh: torch/CUDA packages were pulled in: $(echo "$new" | tr '\n' ' ')" >&2
  exit 1
fi
"$PYTHON" -c 'import bertopic, umap, hdbscan; print("bertopic", bertopic.__version__, "installed, CPU only")'
