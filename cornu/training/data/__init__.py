"""What ``fit``/``evaluate``/``predict`` take their data from: arrays, generators, Sequences."""
