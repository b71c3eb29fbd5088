"""The Large Movie Review Dataset (aclImdb v1.0, Maas et al. 2011), loaded from
a local copy or downloaded once into a cache.

Where :func:`~bilstm_helpers.imdb.data.load_imdb` looks, in this order:

1. the ``path`` argument: a folder (``aclImdb/`` or one that holds it, or an
   archive) or a ``.tar.gz`` archive;
2. the environment variable ``BILSTM_IMDB_PATH`` (the same kinds of path);
3. the folder in ``BILSTM_DATA_DIR``: ``aclImdb_v1.tar.gz``,
   ``aclImdb_labeled.tar.gz`` or an extracted ``aclImdb/``;
4. the cache (``BILSTM_CACHE_DIR``, default ``~/.cache/bilstm_helpers``),
   where a download lands;
5. a download of the public archive, checked against its published SHA-256.

Archives are read member by member straight from the ``.tar.gz``; nothing is
extracted to disk. Only ``{train,test}/{pos,neg}/<id>_<rating>.txt`` is read
(the unlabelled reviews and the bag-of-words files are skipped). The whole
archive is read to the end of its gzip stream, whose CRC-32 is checked, and the
counts are checked before anything is returned, so a corrupt or truncated
archive raises :class:`~bilstm_helpers.imdb.data.ImdbDataError`
instead of giving part of the data.
"""

from __future__ import annotations

import os
import re
import shutil
import tarfile
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bilstm_helpers.downloads import ENV_DATA_DIR, cache_dir, sha256_of

#: Where the public archive is downloaded from.
IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
#: Published SHA-256 of ``aclImdb_v1.tar.gz``; a download must match it.
IMDB_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"
#: Name of the environment variable that gives a folder or archive to load (it overrides the search).
ENV_PATH = "BILSTM_IMDB_PATH"
#: File names looked for in ``$BILSTM_DATA_DIR`` and in the cache.
ARCHIVE_NAMES = ("aclImdb_v1.tar.gz", "aclImdb_labeled.tar.gz")
#: Reviews per class and split in aclImdb v1.0 (12,500 positive + 12,500 negative).
PER_CLASS = 12_500

_REVIEW = re.compile(r"(?:^|/)(train|test)/(pos|neg)/(\d+)_(\d+)\.txt$")


class ImdbDataError(ValueError):
    """The data set is missing, corrupt, truncated or has the wrong counts."""


@dataclass
class ImdbSplit:
    """One split (train or test) of the data set, sorted by (label, id).

    Attributes:
        texts: (n,) the raw reviews (HTML line breaks still in).
        labels: (n,) int32, 1 = positive, 0 = negative.
        ratings: (n,) int32 star ratings, 1-4 for negative, 7-10 for positive.
        ids: (n,) int32 the review id from its file name.
    """

    texts: list[str]
    labels: np.ndarray
    ratings: np.ndarray
    ids: np.ndarray

    def __len__(self) -> int:
        return len(self.texts)


@dataclass
class ImdbData:
    """The two labelled splits and where they were read from.

    Attributes:
        train: 25,000 reviews (12,500 per class) in the full data set.
        test: 25,000 reviews (12,500 per class).
        source: the folder or archive that was read.
    """

    train: ImdbSplit
    test: ImdbSplit
    source: Path


def download_imdb(folder: Path | None = None, url: str | None = None,
                  sha256: str | None = None) -> Path:
    """Download the archive into ``folder`` (default :func:`~bilstm_helpers.downloads.cache_dir`) and check it.

    The file is written under a temporary name and renamed only after its
    SHA-256 matched, so an interrupted download never looks like a copy.

    Args:
        folder: where to put the file; None means :func:`~bilstm_helpers.downloads.cache_dir`.
        url: None means ``IMDB_URL``.
        sha256: the expected hex digest; None means ``IMDB_SHA256``.

    Returns:
        path: the checked ``aclImdb_v1.tar.gz`` in the folder.
    """
    url = url or IMDB_URL
    sha256 = sha256 or IMDB_SHA256
    folder = Path(folder) if folder is not None else cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ARCHIVE_NAMES[0]
    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(partial, "wb") as f:
            shutil.copyfileobj(response, f)
    except (urllib.error.URLError, OSError) as error:
        partial.unlink(missing_ok=True)
        raise ImdbDataError(
            f"no local copy of the IMDB data and the download from {url} failed ({error}). "
            f"Download the archive elsewhere and set {ENV_PATH}=/path/to/aclImdb_v1.tar.gz "
            f"(or put it into ${ENV_DATA_DIR}), or retry when online.") from error
    found = sha256_of(partial)
    if found != sha256:
        partial.unlink(missing_ok=True)
        raise ImdbDataError(
            f"the download from {url} is corrupt or truncated: SHA-256 {found}, expected "
            f"{sha256}. Retry the download, or set {ENV_PATH} to a checked copy.")
    partial.replace(target)
    return target


def find_imdb(path: str | os.PathLike | None = None, download: bool = True) -> Path:
    """Resolve where to read the data set from (see the module docstring).

    Args:
        path: a folder or ``.tar.gz`` archive; None searches the environment
            variables and the cache.
        download: whether to download when no local copy is found.

    Returns:
        path: an existing folder or archive.
    """
    for given, where in ((path, "the path argument"), (os.environ.get(ENV_PATH), ENV_PATH)):
        if given:
            given = Path(given).expanduser()
            if not given.exists():
                raise ImdbDataError(
                    f"{where} points to {given}, which does not exist. Give the folder "
                    f"aclImdb/ or the archive aclImdb_v1.tar.gz (download: {IMDB_URL}).")
            return given
    folders = [Path(os.environ[ENV_DATA_DIR]).expanduser()] if os.environ.get(ENV_DATA_DIR) else []
    folders.append(cache_dir())
    for folder in folders:
        for candidate in [folder / name for name in ARCHIVE_NAMES] + [folder / "aclImdb"]:
            if candidate.exists():
                return candidate
    if not download:
        raise ImdbDataError(
            f"no local copy of the IMDB data (searched {', '.join(map(str, folders))}) and "
            f"download=False. Set {ENV_PATH} to the archive or folder, or download {IMDB_URL}.")
    return download_imdb()


def _empty() -> dict[str, list]:
    return {"texts": [], "labels": [], "ratings": [], "ids": []}


def _add(splits: dict, name: str, text: bytes) -> None:
    match = _REVIEW.search(name)
    if match is None:
        return
    split, label, review_id, rating = match.groups()
    rows = splits[split]
    rows["texts"].append(text.decode("utf-8"))
    rows["labels"].append(1 if label == "pos" else 0)
    rows["ids"].append(int(review_id))
    rows["ratings"].append(int(rating))


def _read_archive(archive: Path, splits: dict) -> None:
    # tarfile ends the archive at the first unreadable header after the first member,
    # and stops reading at the end-of-archive blocks. With ignore_zeros it reads on to
    # the end of the gzip stream, whose CRC then catches corruption anywhere in it.
    try:
        with tarfile.open(archive, "r:gz", ignore_zeros=True) as tar:
            for member in tar:
                if member.isfile() and _REVIEW.search(member.name):
                    _add(splits, member.name, tar.extractfile(member).read())
    except (tarfile.TarError, EOFError, zlib.error, OSError, UnicodeDecodeError) as error:
        raise ImdbDataError(
            f"{archive} is corrupt or truncated ({type(error).__name__}: {error}); nothing was "
            f"loaded. Delete it and download it again from {IMDB_URL}.") from error


def _read_folder(folder: Path, splits: dict) -> None:
    root = folder if (folder / "train").is_dir() or (folder / "test").is_dir() else folder / "aclImdb"
    for split in ("train", "test"):
        for label in ("neg", "pos"):
            for file in (root / split / label).glob("*.txt"):
                try:
                    _add(splits, f"{split}/{label}/{file.name}", file.read_bytes())
                except UnicodeDecodeError as error:
                    raise ImdbDataError(
                        f"{file} is not UTF-8 text ({error}); the copy is damaged: replace "
                        f"the folder with the archive from {IMDB_URL}.") from error


def _to_split(rows: dict) -> ImdbSplit:
    order = sorted(range(len(rows["texts"])), key=lambda i: (rows["labels"][i], rows["ids"][i]))
    return ImdbSplit(texts=[rows["texts"][i] for i in order],
                     **{key: np.asarray(rows[key], dtype=np.int32)[order] if order else
                        np.zeros(0, np.int32) for key in ("labels", "ratings", "ids")})


def load_imdb(path: str | os.PathLike | None = None, per_class: int | None = PER_CLASS,
              download: bool = True) -> ImdbData:
    """Load the labelled reviews of aclImdb v1.0.

    Args:
        path: a folder or ``.tar.gz`` archive; None searches ``BILSTM_IMDB_PATH``,
            ``BILSTM_DATA_DIR`` and the cache, then downloads (see the module docstring).
        per_class: the reviews expected in each of train/pos, train/neg,
            test/pos and test/neg (12,500); None skips the count check.
        download: whether to download when no local copy is found.

    Returns:
        data: an :class:`~bilstm_helpers.imdb.data.ImdbData` whose splits are sorted
            by label (all negatives first): shuffle before any validation split.
    """
    source = find_imdb(path, download=download)
    splits = {"train": _empty(), "test": _empty()}
    if source.is_dir():
        _read_folder(source, splits)
    elif source.name.endswith((".tar.gz", ".tgz")):
        _read_archive(source, splits)
    else:
        raise ImdbDataError(f"{source} is neither a folder nor a .tar.gz archive; give the "
                            f"aclImdb/ folder or aclImdb_v1.tar.gz ({IMDB_URL}).")
    data = ImdbData(train=_to_split(splits["train"]), test=_to_split(splits["test"]), source=source)
    if per_class is not None:
        for name in ("train", "test"):
            labels = getattr(data, name).labels
            counts = {"neg": int(np.sum(labels == 0)), "pos": int(np.sum(labels == 1))}
            if counts != {"neg": per_class, "pos": per_class}:
                raise ImdbDataError(
                    f"{source}: {name} holds {counts['neg']} negative and {counts['pos']} positive "
                    f"reviews, expected {per_class} of each. The copy is incomplete or not aclImdb "
                    f"v1.0: replace it with the archive from {IMDB_URL}.")
    return data


def subsample(data: ImdbData, n_train: int, n_test: int, seed: int = 0) -> ImdbData:
    """Random reviews of each split, in their original order (quick mode's subsets).

    Each chapter that needs a smaller data set draws it with the same call, so
    the chapters see the same reviews. With ``n_train == len(data.train)`` and
    ``n_test == len(data.test)`` the data come back unchanged.

    Args:
        data: both splits, e.g. from :func:`~bilstm_helpers.imdb.data.load_imdb`.
        n_train: reviews to keep from ``data.train`` (n,), at most its size.
        n_test: reviews to keep from ``data.test``, at most its size.
        seed: seeds the NumPy generator that draws the train rows, then the test rows.

    Returns:
        data: an :class:`~bilstm_helpers.imdb.data.ImdbData` with ``n_train`` and
            ``n_test`` reviews, texts, labels, ratings and ids still aligned,
            and the same ``source``.
    """
    splits = {"train": (data.train, n_train), "test": (data.test, n_test)}
    for name, (split, n) in splits.items():
        if not 1 <= n <= len(split):
            raise ValueError(f"n_{name}={n}, but the {name} split has {len(split)} reviews: "
                             f"ask for 1 to {len(split)}.")
    rng = np.random.default_rng(seed)
    kept = {}
    for name, (split, n) in splits.items():
        rows = np.sort(rng.choice(len(split), n, replace=False))
        kept[name] = ImdbSplit(texts=[split.texts[i] for i in rows], labels=split.labels[rows],
                               ratings=split.ratings[rows], ids=split.ids[rows])
    return ImdbData(train=kept["train"], test=kept["test"], source=data.source)
