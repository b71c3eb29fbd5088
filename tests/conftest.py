"""Set-up shared by every test module, done once before any of them is imported.

- matplotlib draws off-screen (the Agg backend), so plotting tests need no display;
- TensorFlow's C++ start-up logs stay quiet (``TF_CPP_MIN_LOG_LEVEL=3``) in the
  tests that import Keras.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
