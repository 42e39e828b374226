#!/usr/bin/env bash
# Create one virtual environment per peer under bench/.venvs/, with pinned versions.
#
#   bash bench/setup.sh                 # every peer
#   bash bench/setup.sh keras3-jax      # only the named peers
#
# The cornu peer uses the project's own venv (/work/main/.venv, made by `make test`),
# so it is not created here. Re-running skips venvs that already import their framework.
# torch comes from the CPU wheel that pip finds locally (find-links /opt/wheels): it is
# installed first, on its own, so that nothing later pulls a CUDA build.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
venvs="$here/.venvs"
python="${PYTHON:-python3}"

TORCH_VERSION=2.13.0          # the same torch as cornu's venv
KERAS3_VERSION=3.15.1         # latest Keras 3 that PyPI serves
JAX_VERSION=0.10.2            # latest jax with wheels for Python 3.11
TF_VERSION=2.21.0             # tensorflow and tf-keras move in lockstep
TF_KERAS_VERSION=2.21.0
NUMPY_SPEC='numpy>=1.26,<3'
PILLOW_SPEC='Pillow>=10,<13'
SCIPY_SPEC='scipy>=1.11,<2'

make_venv() {  # name, probe import, pip arguments...
  local name="$1" probe="$2"; shift 2
  local dir="$venvs/$name"
  if [ -x "$dir/bin/python" ] && "$dir/bin/python" -c "$probe" >/dev/null 2>&1; then
    echo "== $name: already installed ($dir)"; return 0
  fi
  echo "== $name: creating $dir"
  rm -rf "$dir"
  "$python" -m venv "$dir"
  "$dir/bin/python" -m pip install -q --upgrade pip
  "$@"
  "$dir/bin/python" -c "$probe"
  echo "== $name: ok"
}

pip_in() { local name="$1"; shift; "$venvs/$name/bin/python" -m pip install -q "$@"; }

peer_torch() {
  make_venv torch "import torch, numpy" \
    pip_in torch "torch==$TORCH_VERSION" "$NUMPY_SPEC"
}

peer_keras3_torch() {
  make_venv keras3-torch "import os; os.environ['KERAS_BACKEND'] = 'torch'; import torch, keras; assert keras.__version__ == '$KERAS3_VERSION'" \
    install_keras3_torch
}

install_keras3_torch() {  # torch first, then keras with torch pinned so the CPU wheel stays
  pip_in keras3-torch "torch==$TORCH_VERSION" "$NUMPY_SPEC"
  pip_in keras3-torch "torch==$TORCH_VERSION" "keras==$KERAS3_VERSION"
}

peer_keras3_jax() {
  make_venv keras3-jax "import os; os.environ['KERAS_BACKEND'] = 'jax'; import jax, keras; assert keras.__version__ == '$KERAS3_VERSION'" \
    pip_in keras3-jax "keras==$KERAS3_VERSION" "jax[cpu]==$JAX_VERSION" "$NUMPY_SPEC"
}

peer_tf_keras() {  # Pillow and SciPy: its ImageDataGenerator (JPEG rows)
  make_venv tf-keras "import os; os.environ['TF_USE_LEGACY_KERAS'] = '1'; import tensorflow, tf_keras, PIL, scipy" \
    pip_in tf-keras "tensorflow==$TF_VERSION" "tf-keras==$TF_KERAS_VERSION" "$PILLOW_SPEC" "$SCIPY_SPEC"
}

mkdir -p "$venvs"
peers=("$@")
[ ${#peers[@]} -eq 0 ] && peers=(torch keras3-torch keras3-jax tf-keras)
for peer in "${peers[@]}"; do
  case "$peer" in
    torch) peer_torch ;;
    keras3-torch) peer_keras3_torch ;;
    keras3-jax) peer_keras3_jax ;;
    tf-keras) peer_tf_keras ;;
    cornu) echo "== cornu: uses the project venv (.venv); run 'make test' or pip install -e . there" ;;
    *) echo "unknown peer '$peer' (expected torch, keras3-torch, keras3-jax, tf-keras)" >&2; exit 2 ;;
  esac
done
echo "== installed versions"
for dir in "$venvs"/*/; do
  name="$(basename "$dir")"
  printf '%-14s ' "$name"
  "$dir/bin/python" -m pip list 2>/dev/null \
    | awk '$1 ~ /^(torch|keras|jax|jaxlib|tensorflow|tf_keras|tf-keras|numpy)$/ {printf "%s %s  ", $1, $2}'
  echo
done
