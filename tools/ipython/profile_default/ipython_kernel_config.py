# Kernels started by `make test` and `make book` (the Makefile points IPYTHONDIR
# here) do not copy what native libraries write to file descriptor 2 into the
# notebook. TensorFlow's C++ start-up lines ("oneDNN custom operations are on",
# "All log messages before absl::InitializeLog() ...") are written there, and
# TF_CPP_MIN_LOG_LEVEL no longer silences them, so without this they would be
# stored in every committed Keras chapter. They still reach the terminal that
# runs the build. Python's own warnings and prints are captured as usual.
c = get_config()  # noqa: F821 (provided by IPython when it loads this file)
c.IPKernelApp.capture_fd_output = False
