"""Universal Dependencies English Web Treebank (EWT, release 2.16), loaded and checked.

Where :func:`load_ewt` looks, in this order:

1. the ``path`` argument: a folder holding the three CoNLL-U files;
2. the environment variable ``BILSTM_EWT_PATH`` (such a folder);
3. ``$BILSTM_DATA_DIR/UD_English-EWT-r2.16/`` or ``$BILSTM_DATA_DIR`` itself;
4. the cache (``BILSTM_CACHE_DIR``, default ``~/.cache/bilstm_helpers``),
   ``UD_English-EWT-r2.16/``, where a download lands;
5. a download of the three files at the release tag.

Each file may be plain (``.conllu``) or gzip-compressed (``.conllu.gz``). Its
uncompressed bytes must have the SHA-256 of the release, so a truncated,
edited or different file raises :class:`TreebankError` before anything is
returned; nothing is ever half-loaded.

CoNLL-U is parsed with the ``conllu`` package. Two kinds of row are not words
to tag and are skipped: **multi-word token ranges** (``19-20 don't``: the
surface token, whose syntactic words ``do`` and ``n't`` follow on rows 19 and
20, each with its own tag) and **empty nodes** (``8.1``: elided words of the
enhanced graph, with no surface form). What remains are the syntactic words
that the treebank's word counts count (204,577 / 25,147 / 25,094).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path

import conllu

from bilstm_helpers.downloads import ENV_DATA_DIR, cache_dir

#: The release this loader checks against.
RELEASE = "r2.16"
#: Folder name of the release, in the data folder and in the cache.
FOLDER = "UD_English-EWT-r2.16"
#: Where each file is downloaded from (``{name}``: the file name).
URL = "https://raw.githubusercontent.com/UniversalDependencies/UD_English-EWT/r2.16/{name}"
#: Environment variable naming a folder with the three files.
ENV_PATH = "BILSTM_EWT_PATH"
#: Split -> (file name, sentences, words, SHA-256 of the uncompressed file).
FILES = {
    "train": ("en_ewt-ud-train.conllu", 12_544, 204_577,
              "3fb78e2b55482c8ee00caa653af436c88c9e5bc9a73ce26e4ae3ddc79d2b7e7b"),
    "dev": ("en_ewt-ud-dev.conllu", 2_001, 25_147,
            "531a54ff90d6ab12201c5a50c3e78e6ddac4de69abc4bce5d275d3cd29efe2b6"),
    "test": ("en_ewt-ud-test.conllu", 2_077, 25_094,
             "e266e515a0a7547657ed3d90d9ba46487d6bd251f27ad4269d4e8a427c8555cd"),
}
#: The 17 universal part-of-speech tags.
UPOS_TAGS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART",
             "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X")

_WORD_ID = re.compile(r"^[1-9][0-9]*$")
_RANGE_OR_EMPTY = re.compile(r"^([1-9][0-9]*-[1-9][0-9]*|[0-9]+\.[1-9][0-9]*)$")


class TreebankError(ValueError):
    """A treebank file is missing, truncated, not CoNLL-U, or not the release's."""


@dataclass
class TaggedSentence:
    """One sentence: its words and their UPOS tags, aligned.

    Attributes:
        sent_id: the sentence's ``# sent_id`` comment.
        words: (n,) the syntactic words (multi-word ranges and empty nodes left out).
        tags: (n,) the UPOS tag of each word.
    """

    sent_id: str
    words: list[str]
    tags: list[str]

    def __len__(self) -> int:
        return len(self.words)


@dataclass
class Treebank:
    """The three splits and the folder they were read from."""

    train: list[TaggedSentence]
    dev: list[TaggedSentence]
    test: list[TaggedSentence]
    source: Path


def read_text(path: Path) -> str:
    """The text of a ``.conllu`` or ``.conllu.gz`` file, read whole.

    Raises:
        TreebankError: the file is missing, a truncated or corrupt gzip, or not UTF-8.
    """
    path = Path(path)
    if not path.is_file():
        raise TreebankError(f"{path} does not exist: point load_ewt at the folder that holds "
                            f"the three EWT files, or set {ENV_PATH}.")
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise TreebankError(f"{path} is not a complete gzip file ({error}): it was cut short or "
                            "damaged; download it again.") from error
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise TreebankError(f"{path} is not UTF-8 text ({error}), so it is not CoNLL-U.") from error


def parse_conllu(text: str, source: str = "<text>") -> list[TaggedSentence]:
    """Sentences with their words and UPOS tags from CoNLL-U text.

    Every row is checked before ``conllu`` parses the sentence: ten
    tab-separated fields, an ID that is a word (``7``), a range (``7-8``) or an
    empty node (``7.1``), and a UPOS tag among :data:`UPOS_TAGS` on every word.

    Args:
        text: the whole file's text.
        source: the file's name, for error messages.

    Raises:
        TreebankError: naming the file and line of the first malformed row,
            or saying that the text holds no sentence.
    """
    sentences: list[TaggedSentence] = []
    block: list[str] = []
    start = 1
    for number, line in enumerate(text.splitlines() + [""], start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
            if not line.startswith("#"):
                _check_row(line, source, number)
            continue
        if any(not row.startswith("#") for row in block):  # comments alone make no sentence
            sentences.append(_sentence(block, source, start))
        block = []
    if not sentences:
        raise TreebankError(f"{source} holds no CoNLL-U sentence: is it the right file?")
    return sentences


def _check_row(line: str, source: str, number: int) -> None:
    fields = line.split("\t")
    where = f"{source}, line {number}"
    if len(fields) != 10:
        raise TreebankError(f"{where}: a CoNLL-U row has 10 tab-separated fields, this one has "
                            f"{len(fields)}: {line[:60]!r}. Is the file CoNLL-U, and complete?")
    if _WORD_ID.match(fields[0]):
        if fields[3] not in UPOS_TAGS:
            raise TreebankError(f"{where}: {fields[3]!r} is not a UPOS tag (one of {', '.join(UPOS_TAGS)}).")
    elif not _RANGE_OR_EMPTY.match(fields[0]):
        raise TreebankError(f"{where}: {fields[0]!r} is not a CoNLL-U ID (7, 7-8 or 7.1).")


def _sentence(block: list[str], source: str, start: int) -> TaggedSentence:
    try:
        token_list = conllu.parse("\n".join(block) + "\n\n")[0]
    except conllu.exceptions.ParseException as error:
        raise TreebankError(f"{source}, sentence starting at line {start}: {error}") from error
    words = [t for t in token_list if isinstance(t["id"], int)]  # not ranges, not empty nodes
    return TaggedSentence(sent_id=token_list.metadata.get("sent_id", f"{source}:{start}"),
                          words=[t["form"] for t in words], tags=[t["upos"] for t in words])


def find_file(folder: Path, name: str) -> Path | None:
    """``folder/name`` or ``folder/name.gz``, whichever exists (plain first)."""
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def read_split(path: Path, split: str) -> list[TaggedSentence]:
    """Read one release file and check it is the release's (checksum, counts).

    Args:
        path: the ``.conllu`` or ``.conllu.gz`` file.
        split: "train", "dev" or "test".

    Raises:
        TreebankError: a checksum or count mismatch, or any error of
            :func:`read_text` and :func:`parse_conllu`.
    """
    name, n_sentences, n_words, sha256 = FILES[split]
    text = read_text(path)
    found = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if found != sha256:
        raise TreebankError(f"{path} is not {name} of UD English EWT {RELEASE}: its SHA-256 is "
                            f"{found}, the release's is {sha256}. Download the file again "
                            f"({URL.format(name=name)}).")
    sentences = parse_conllu(text, source=str(path))
    words = sum(len(s) for s in sentences)
    if (len(sentences), words) != (n_sentences, n_words):  # a parser change, not a file change
        raise TreebankError(f"{path}: read {len(sentences)} sentences and {words} words, the release "
                            f"has {n_sentences} and {n_words}.")
    return sentences


def download_ewt(folder: Path | None = None) -> Path:
    """Download the three files into ``folder`` (default: the cache) and return it.

    Each file is written under a temporary name and kept only if its SHA-256
    matches the release's.
    """
    folder = Path(folder) if folder is not None else cache_dir() / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name, *_, sha256 in FILES.values():
        target = folder / name
        if target.is_file():
            continue
        partial = target.with_name(name + ".part")
        try:
            with urllib.request.urlopen(URL.format(name=name), timeout=60) as response, \
                    open(partial, "wb") as f:
                shutil.copyfileobj(response, f)
        except (urllib.error.URLError, OSError) as error:
            partial.unlink(missing_ok=True)
            raise TreebankError(f"no local copy of {name} and the download failed ({error}). "
                                f"Download it elsewhere and set {ENV_PATH}=/folder/with/the/files "
                                "(or put them into $BILSTM_DATA_DIR), or retry when online.") from error
        found = hashlib.sha256(partial.read_bytes()).hexdigest()
        if found != sha256:
            partial.unlink()
            raise TreebankError(f"the download of {name} has SHA-256 {found}, not the release's "
                                f"{sha256}; nothing was kept.")
        partial.rename(target)
    return folder


def locate_ewt(path: str | Path | None = None) -> Path | None:
    """The first folder of the search order (module docstring) that holds all three files."""
    candidates: list[Path] = []
    if path is not None:
        candidates.append(Path(path))
    elif os.environ.get(ENV_PATH):
        candidates.append(Path(os.environ[ENV_PATH]))
    else:
        if os.environ.get(ENV_DATA_DIR):
            data = Path(os.environ[ENV_DATA_DIR])
            candidates += [data / FOLDER, data]
        candidates.append(cache_dir() / FOLDER)
    for folder in candidates:
        if all(find_file(folder, name) for name, *_ in FILES.values()):
            return folder
    if path is not None or os.environ.get(ENV_PATH):
        missing = [name for name, *_ in FILES.values() if find_file(candidates[0], name) is None]
        raise TreebankError(f"{candidates[0]} lacks {', '.join(missing)} (plain or .gz): give the "
                            "folder that holds all three EWT files.")
    return None


def load_ewt(path: str | Path | None = None, download: bool = True) -> Treebank:
    """The three splits of UD English EWT r2.16, checked (see the module docstring).

    Args:
        path: a folder with the three files; None searches as described above.
        download: fetch the files when no local copy is found.

    Raises:
        TreebankError: no copy (and no download), or a file that is not the release's.
    """
    folder = locate_ewt(path)
    if folder is None:
        if not download:
            raise TreebankError(f"no local copy of UD English EWT {RELEASE}: set {ENV_PATH} or "
                                "BILSTM_DATA_DIR, or allow the download.")
        folder = download_ewt()
    splits = {split: read_split(find_file(folder, name), split) for split, (name, *_) in FILES.items()}
    return Treebank(**splits, source=folder)
