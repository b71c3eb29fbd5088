import json
import multiprocessing
import os
import subprocess
import sys

import numpy as np
import pytest

from bilstm_helpers import runtime


def test_quick_mode_and_pick(monkeypatch):
    monkeypatch.setenv("BILSTM_QUICK", "1")
    assert runtime.quick_mode() and runtime.pick(100, 3) == 3
    monkeypatch.setenv("BILSTM_QUICK", "0")
    assert not runtime.quick_mode() and runtime.pick(100, 3) == 100


def test_write_results_keeps_quick_runs_apart(monkeypatch, tmp_path):
    monkeypatch.setenv("BILSTM_RESULTS_DIR", str(tmp_path))
    monkeypatch.delenv("BILSTM_QUICK", raising=False)
    path = runtime.write_results("demo", {"accuracy": np.float32(0.5), "curve": np.arange(2)})
    assert path == tmp_path / "demo.json"
    assert json.loads(path.read_text()) == {"name": "demo", "quick_mode": False,
                                            "accuracy": 0.5, "curve": [0, 1]}
    monkeypatch.setenv("BILSTM_QUICK", "1")
    assert runtime.write_results("demo", {}) == tmp_path / "quick" / "demo.json"


def test_read_results_reads_the_same_run_mode(monkeypatch, tmp_path):
    monkeypatch.setenv("BILSTM_RESULTS_DIR", str(tmp_path))
    monkeypatch.delenv("BILSTM_QUICK", raising=False)
    runtime.write_results("demo", {"accuracy": 0.9})
    assert runtime.read_results("demo", written_by="chapter X")["accuracy"] == 0.9
    monkeypatch.setenv("BILSTM_QUICK", "1")  # a quick run never reads the full run's figures
    with pytest.raises(FileNotFoundError, match=r"run chapter X in quick mode \(BILSTM_QUICK=1\) first"):
        runtime.read_results("demo", written_by="chapter X")
    runtime.write_results("demo", {"accuracy": 0.6})
    assert runtime.read_results("demo", written_by="chapter X")["accuracy"] == 0.6


def test_release_memory_collects_garbage_and_trims_the_heap(monkeypatch):
    calls = []
    real_collect = runtime.gc.collect
    monkeypatch.setattr(runtime.gc, "collect", lambda: calls.append("collect") or real_collect())

    class FakeLibc:
        def malloc_trim(self, pad):
            calls.append(("malloc_trim", pad))
            return 1

    monkeypatch.setattr(runtime.ctypes, "CDLL", lambda name: FakeLibc())
    monkeypatch.setattr(runtime.sys, "platform", "linux")
    assert runtime.release_memory() is True
    assert calls == ["collect", ("malloc_trim", 0)]
    calls.clear()
    monkeypatch.setattr(runtime.sys, "platform", "darwin")  # no glibc: garbage collection only
    assert runtime.release_memory() is False and calls == ["collect"]


def test_seed_everything_makes_numpy_repeatable():
    runtime.seed_everything(7)
    a = np.random.rand(3)
    runtime.seed_everything(7)
    np.testing.assert_array_equal(a, np.random.rand(3))


def test_importing_the_package_imports_no_framework():
    code = ("import sys, bilstm_helpers; "
            "print([m for m in ('tensorflow', 'keras', 'torch', 'matplotlib') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_run_time_note_reads_the_full_run_record(monkeypatch, tmp_path):
    import json

    from bilstm_helpers.runtime import run_time_note

    monkeypatch.setenv("BILSTM_RESULTS_DIR", str(tmp_path))
    monkeypatch.setenv("BILSTM_QUICK", "1")  # the note reads the full run's record even in quick mode
    (tmp_path / "notebook_memory.json").write_text(json.dumps({
        "binder_limit_mb": 2048, "cpu_count": 2,
        "notebooks": [{"notebook": "06_imdb", "peak_memory_mb": 1663.4, "seconds": 499.0},
                      {"notebook": "01_lstm_gates", "peak_memory_mb": 212.5, "seconds": 12.0}]}))
    note = run_time_note("06_imdb")
    assert "about 8 minutes" in note and "2 CPU cores" in note and "1,663 MB" in note
    assert note._repr_markdown_() == str(note)
    assert "about 12 seconds" in run_time_note("01_lstm_gates")
    assert "not measured yet" in run_time_note("10_new_chapter")


def test_the_run_record_rewrites_the_note_in_place(monkeypatch):
    import IPython.display

    from bilstm_helpers import runtime

    shown, updated = [], []
    monkeypatch.setattr(IPython.display, "display", lambda obj, display_id: shown.append((str(obj), display_id)))
    monkeypatch.setattr(IPython.display, "update_display", lambda obj, display_id: updated.append(display_id))
    runtime.show_run_time_note("06_imdb")
    monkeypatch.delenv("BILSTM_QUICK", raising=False)
    runtime.refresh_run_time_note("06_imdb")
    assert shown[0][1] == updated[0] == "run-time-note-06_imdb"
    monkeypatch.setenv("BILSTM_QUICK", "1")  # a quick run says nothing about full settings
    runtime.refresh_run_time_note("06_imdb")
    assert len(updated) == 1


def test_weights_path_refuses_folders_in_the_name(monkeypatch, tmp_path):
    from bilstm_helpers.runtime import weights_path

    monkeypatch.setenv("BILSTM_RESULTS_DIR", str(tmp_path))
    monkeypatch.delenv("BILSTM_QUICK", raising=False)
    assert weights_path("model.pt") == tmp_path / "weights" / "model.pt"
    with pytest.raises(ValueError, match="plain file name"):
        weights_path("../model.pt")


def test_peak_memory_mb_grows_with_a_large_allocation():
    import numpy as np

    before = runtime.peak_memory_mb()
    block = np.ones(64 * 2**20 // 8)  # 64 MiB, touched
    assert runtime.peak_memory_mb() >= before and runtime.peak_memory_mb() > 64
    del block


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="peak_memory_mb reads VmHWM on Linux only")
def test_peak_memory_mb_of_a_child_is_not_its_parents():
    """A kernel started by a large process (a Sphinx build) must report its own
    peak: Linux's ru_maxrss carries the parent's size across fork and exec."""
    block = np.ones(400 * 2**20 // 8)  # 400 MiB, touched, held by this process
    child = subprocess.run([sys.executable, "-c", "from bilstm_helpers.runtime import peak_memory_mb; "
                            "print(peak_memory_mb())"], capture_output=True, text=True, check=True)
    del block
    assert float(child.stdout) < 200, child.stdout  # a bare interpreter with NumPy: tens of MiB


def test_predictions_round_trip_and_name_the_notebook_when_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("BILSTM_RESULTS_DIR", str(tmp_path))
    monkeypatch.delenv("BILSTM_QUICK", raising=False)
    p_test = np.array([0.1, 0.9], dtype=np.float32)
    path = runtime.save_predictions("m_proba.npz", p_test=p_test)
    assert path == tmp_path / "weights" / "m_proba.npz"
    loaded = runtime.load_predictions("m_proba.npz", written_by="notebooks/x.ipynb")
    assert list(loaded) == ["p_test"] and np.array_equal(loaded["p_test"], p_test)
    with pytest.raises(FileNotFoundError, match="notebooks/y.ipynb"):
        runtime.load_predictions("other.npz", written_by="notebooks/y.ipynb")
    with pytest.raises(ValueError, match=".npz"):
        runtime.save_predictions("m_proba.npy", p_test=p_test)


def _record_many(results: str, prefix: str, count: int) -> None:
    os.environ["BILSTM_RESULTS_DIR"], os.environ["BILSTM_QUICK"] = results, "0"
    for i in range(count):
        runtime.record_notebook_run(f"{prefix}{i:02d}")


@pytest.mark.skipif(sys.platform == "win32", reason="the lock is fcntl's; notebooks run one at a time there")
def test_notebooks_recording_side_by_side_lose_no_row(tmp_path):
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_record_many, args=(str(tmp_path), prefix, 25)) for prefix in "ab"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    rows = json.loads((tmp_path / "notebook_memory.json").read_text())["notebooks"]
    assert [row["notebook"] for row in rows] == [f"{p}{i:02d}" for p in "ab" for i in range(25)]
