"""bilstm_helpers.imdb.data on small fixture folders and archives built in tmp_path
(the network is never touched: downloads are mocked)."""

from __future__ import annotations

import hashlib
import io
import tarfile
import urllib.error
from pathlib import Path

import numpy as np
import pytest

from bilstm_helpers.downloads import ENV_CACHE_DIR, ENV_DATA_DIR
from bilstm_helpers.imdb import data as imdb
from bilstm_helpers.imdb.data import ImdbDataError, load_imdb

PER_CLASS = 3


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the machine's data or cache."""
    monkeypatch.delenv(imdb.ENV_PATH, raising=False)
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    monkeypatch.setenv(ENV_CACHE_DIR, str(tmp_path / "cache"))

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network in tests")
    monkeypatch.setattr(imdb.urllib.request, "urlopen", offline)


def make_folder(root: Path, per_class: int = PER_CLASS, drop: int = 0) -> Path:
    """root/aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt plus files the
    loader must skip (unsup reviews, README, a bag-of-words file)."""
    base = root / "aclImdb"
    for split in ("train", "test"):
        for label, rating in (("pos", 9), ("neg", 2)):
            folder = base / split / label
            folder.mkdir(parents=True)
            for i in range(per_class - (drop if (split, label) == ("train", "pos") else 0)):
                # ids written out of order: the loader sorts them
                (folder / f"{(7 * i) % per_class}_{rating}.txt").write_text(
                    f"{split} {label} review {(7 * i) % per_class}<br />caf\u00e9")
    (base / "train" / "unsup").mkdir()
    (base / "train" / "unsup" / "0_0.txt").write_text("unlabelled")
    (base / "train" / "labeledBow.feat").write_text("0:1")
    (base / "README").write_text("readme")
    return base


def make_archive(root: Path, **kwargs) -> Path:
    base = make_folder(root / "src", **kwargs)
    archive = root / "aclImdb_v1.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(base, arcname="aclImdb")
    return archive


def test_folder_and_archive_give_the_same_data(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "f")
    archive = make_archive(tmp_path / "a")
    for source in (folder, folder.parent, archive):
        data = load_imdb(source, per_class=PER_CLASS)
        assert data.source == source
        assert len(data.train) == len(data.test) == 2 * PER_CLASS
        np.testing.assert_array_equal(data.train.labels, [0, 0, 0, 1, 1, 1])
        np.testing.assert_array_equal(data.train.ids, [0, 1, 2, 0, 1, 2])
        np.testing.assert_array_equal(data.test.ratings, [2, 2, 2, 9, 9, 9])
        assert data.train.texts[0] == "train neg review 0<br />caf\u00e9"
        assert data.test.texts[-1] == "test pos review 2<br />caf\u00e9"
        assert data.train.labels.dtype == np.int32


def test_env_path_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = make_archive(tmp_path)
    monkeypatch.setenv(imdb.ENV_PATH, str(archive))
    assert load_imdb(per_class=PER_CLASS).source == archive


def test_data_dir_finds_the_labelled_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = make_archive(tmp_path)
    renamed = archive.rename(tmp_path / "aclImdb_labeled.tar.gz")
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path))
    assert load_imdb(per_class=PER_CLASS).source == renamed


def test_missing_path_is_named(tmp_path: Path) -> None:
    with pytest.raises(ImdbDataError, match="does not exist"):
        load_imdb(tmp_path / "nowhere.tar.gz")


def test_offline_without_copy_names_variable_and_url() -> None:
    with pytest.raises(ImdbDataError) as error:
        load_imdb(per_class=PER_CLASS)
    assert imdb.ENV_PATH in str(error.value) and imdb.IMDB_URL in str(error.value)


def test_download_false_names_variable_and_url() -> None:
    with pytest.raises(ImdbDataError) as error:
        load_imdb(per_class=PER_CLASS, download=False)
    assert imdb.ENV_PATH in str(error.value) and imdb.IMDB_URL in str(error.value)


def _serve(monkeypatch: pytest.MonkeyPatch, payload: bytes) -> list[str]:
    requested: list[str] = []

    def urlopen(url, timeout=None):
        requested.append(url)
        return io.BytesIO(payload)
    monkeypatch.setattr(imdb.urllib.request, "urlopen", urlopen)
    return requested


def test_download_checked_and_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    payload = make_archive(tmp_path).read_bytes()
    monkeypatch.setattr(imdb, "IMDB_SHA256", hashlib.sha256(payload).hexdigest())
    requested = _serve(monkeypatch, payload)
    data = load_imdb(per_class=PER_CLASS)
    assert requested == [imdb.IMDB_URL]
    assert data.source == tmp_path / "cache" / "aclImdb_v1.tar.gz"
    load_imdb(per_class=PER_CLASS)  # second time from the cache
    assert requested == [imdb.IMDB_URL]


def test_download_with_wrong_checksum_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _serve(monkeypatch, make_archive(tmp_path).read_bytes()[:-100])
    with pytest.raises(ImdbDataError, match="corrupt or truncated: SHA-256"):
        load_imdb(per_class=PER_CLASS)
    assert list((tmp_path / "cache").iterdir()) == []


def test_truncated_archive_is_reported(tmp_path: Path) -> None:
    archive = make_archive(tmp_path)
    data = archive.read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImdbDataError, match="corrupt or truncated"):
        load_imdb(cut, per_class=PER_CLASS)


@pytest.mark.parametrize("width", [1, 40])
def test_corrupt_archive_is_reported_wherever_it_is_damaged(tmp_path: Path, width: int) -> None:
    # Without the count check (per_class=None), only the reader can notice. A flipped
    # byte may leave the deflate stream readable and end the tar early at a garbled
    # header (a CI run loaded 0 reviews that way), or garble a review's text.
    data = make_archive(tmp_path).read_bytes()
    assert data[3] & 0x08  # FNAME: the gzip header ends with a 0-terminated file name
    body = range(data.index(0, 10) + 1, len(data) - 8, 7)  # the deflate stream, before the CRC
    loaded = []
    for start in body:
        damaged = bytearray(data)
        for i in range(start, min(start + width, len(data) - 8)):
            damaged[i] ^= 0xFF
        bad = tmp_path / "bad.tar.gz"
        bad.write_bytes(bytes(damaged))
        try:
            load_imdb(bad, per_class=None)
            loaded.append(start)
        except ImdbDataError as error:
            assert "corrupt or truncated" in str(error)
    assert loaded == [], f"damage at these offsets went unnoticed: {loaded}"


def test_review_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "f")
    (folder / "train" / "pos" / "0_9.txt").write_bytes(b"caf\xe9")
    with pytest.raises(ImdbDataError, match="0_9.txt is not UTF-8 text"):
        load_imdb(folder, per_class=PER_CLASS)


def test_not_an_archive_is_reported(tmp_path: Path) -> None:
    other = tmp_path / "reviews.zip"
    other.write_bytes(b"PK")
    with pytest.raises(ImdbDataError, match="neither a folder nor a .tar.gz"):
        load_imdb(other, per_class=PER_CLASS)


def test_wrong_counts_are_reported(tmp_path: Path) -> None:
    archive = make_archive(tmp_path, drop=1)
    with pytest.raises(ImdbDataError, match="train holds 3 negative and 2 positive"):
        load_imdb(archive, per_class=PER_CLASS)
    assert len(load_imdb(archive, per_class=None).train) == 5


def test_full_data_set_counts_by_default(tmp_path: Path) -> None:
    with pytest.raises(ImdbDataError, match="expected 12500 of each"):
        load_imdb(make_folder(tmp_path))


def test_subsample_keeps_rows_aligned_and_in_order(tmp_path: Path) -> None:
    data = load_imdb(make_folder(tmp_path), per_class=PER_CLASS)
    small = imdb.subsample(data, n_train=4, n_test=2, seed=0)
    assert (len(small.train), len(small.test), small.source) == (4, 2, data.source)
    for part, full in ((small.train, data.train), (small.test, data.test)):
        rows = [full.texts.index(t) for t in part.texts]
        assert rows == sorted(rows)  # original order, so still sorted by label
        for key in ("labels", "ratings", "ids"):
            np.testing.assert_array_equal(getattr(part, key), getattr(full, key)[rows])
    again = imdb.subsample(data, n_train=4, n_test=2, seed=0)
    assert again.train.texts == small.train.texts and again.test.texts == small.test.texts
    whole = imdb.subsample(data, n_train=len(data.train), n_test=len(data.test))
    assert whole.train.texts == data.train.texts and whole.test.texts == data.test.texts


def test_subsample_larger_than_the_split_is_refused(tmp_path: Path) -> None:
    data = load_imdb(make_folder(tmp_path), per_class=PER_CLASS)
    with pytest.raises(ValueError, match=r"n_test=7, but the test split has 6 reviews: ask for 1 to 6"):
        imdb.subsample(data, n_train=2, n_test=7)
