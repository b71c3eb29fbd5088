import gzip
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from bilstm_helpers.tagging import treebank
from bilstm_helpers.tagging.treebank import TreebankError, load_ewt, parse_conllu, read_split, read_text

SENTENCE = """# sent_id = s1
# text = I don't know.
1\tI\tI\tPRON\tPRP\t_\t4\tnsubj\t_\t_
2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_
2\tdo\tdo\tAUX\tVBP\t_\t4\taux\t_\t_
3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_
4\tknow\tknow\tVERB\tVB\t_\t0\troot\t_\t_
4.1\tknow\tknow\tVERB\tVB\t_\t_\t_\t4:conj\t_
5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_

"""
DATA = Path(os.environ.get("BILSTM_DATA_DIR", "/nonexistent")) / treebank.FOLDER


def test_words_are_the_syntactic_words_without_ranges_or_empty_nodes():
    (sentence,) = parse_conllu(SENTENCE, "x.conllu")
    assert sentence.sent_id == "s1"
    assert sentence.words == ["I", "do", "n't", "know", "."]
    assert sentence.tags == ["PRON", "AUX", "PART", "VERB", "PUNCT"]


def test_a_malformed_row_is_named_by_file_and_line():
    broken = SENTENCE.replace("4\tknow\tknow\tVERB\tVB\t_\t0\troot\t_\t_", "4\tknow\tknow\tVERB")
    with pytest.raises(TreebankError, match=r"x\.conllu, line 7: .* 10 tab-separated fields, this one has 4"):
        parse_conllu(broken, "x.conllu")
    with pytest.raises(TreebankError, match=r"line 3: 'VRB' is not a UPOS tag"):
        parse_conllu(SENTENCE.replace("PRON", "VRB"), "x.conllu")
    with pytest.raises(TreebankError, match=r"line 7: 'four' is not a CoNLL-U ID"):
        parse_conllu(SENTENCE.replace("4\tknow\tknow\tVERB\tVB\t_\t0", "four\tknow\tknow\tVERB\tVB\t_\t0"), "x.conllu")


def test_text_that_is_not_conllu_is_refused():
    with pytest.raises(TreebankError, match="line 1: a CoNLL-U row has 10"):
        parse_conllu("<html><body>Not found</body></html>\n", "page.conllu")
    with pytest.raises(TreebankError, match="holds no CoNLL-U sentence"):
        parse_conllu("# only a comment\n\n", "empty.conllu")


def test_missing_and_truncated_files(tmp_path):
    with pytest.raises(TreebankError, match="does not exist"):
        read_text(tmp_path / "nope.conllu.gz")
    whole = gzip.compress(SENTENCE.encode())
    (tmp_path / "cut.conllu.gz").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(TreebankError, match="not a complete gzip file"):
        read_text(tmp_path / "cut.conllu.gz")
    (tmp_path / "binary.conllu").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(TreebankError, match="not UTF-8"):
        read_text(tmp_path / "binary.conllu")
    (tmp_path / "ok.conllu.gz").write_bytes(whole)
    assert read_text(tmp_path / "ok.conllu.gz") == SENTENCE


def test_a_file_that_is_not_the_release_is_refused_by_its_checksum(tmp_path):
    path = tmp_path / "en_ewt-ud-dev.conllu"
    path.write_text(SENTENCE)
    with pytest.raises(TreebankError, match="not en_ewt-ud-dev.conllu of UD English EWT r2.16: its SHA-256"):
        read_split(path, "dev")


def test_a_folder_without_all_three_files_is_named(tmp_path, monkeypatch):
    (tmp_path / "en_ewt-ud-dev.conllu").write_text(SENTENCE)
    with pytest.raises(TreebankError, match="lacks en_ewt-ud-train.conllu, en_ewt-ud-test.conllu"):
        load_ewt(tmp_path)


def test_no_copy_and_no_download_says_how_to_point_at_one(tmp_path, monkeypatch):
    monkeypatch.delenv(treebank.ENV_PATH, raising=False)
    monkeypatch.setenv("BILSTM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BILSTM_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(TreebankError, match="no local copy"):
        load_ewt(download=False)


@pytest.mark.skipif(not DATA.is_dir(), reason="needs the EWT files in $BILSTM_DATA_DIR")
def test_the_release_loads_with_its_counts_plain_or_gzipped(tmp_path):
    bank = load_ewt(DATA)
    assert [len(bank.train), len(bank.dev), len(bank.test)] == [12_544, 2_001, 2_077]
    assert sum(map(len, bank.test)) == 25_094
    assert all(len(s.words) == len(s.tags) for s in bank.dev)
    # the same file uncompressed reads the same; a truncated copy is refused whole
    plain = tmp_path / "en_ewt-ud-dev.conllu"
    plain.write_text(read_text(DATA / "en_ewt-ud-dev.conllu.gz"))
    assert [s.words for s in read_split(plain, "dev")] == [s.words for s in bank.dev]
    text = plain.read_text()
    plain.write_text(text[: len(text) // 2])
    with pytest.raises(TreebankError, match="SHA-256"):
        read_split(plain, "dev")


def test_download_checks_the_checksum_and_keeps_nothing_wrong(tmp_path, monkeypatch):
    import io

    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

    monkeypatch.setattr(treebank.urllib.request, "urlopen", lambda url, timeout: Response(b"not the file"))
    with pytest.raises(TreebankError, match="nothing was kept"):
        treebank.download_ewt(tmp_path)
    assert list(tmp_path.iterdir()) == []
    good = {name: text for name, *_, in treebank.FILES.values() for text in [SENTENCE]}
    sha = hashlib.sha256(SENTENCE.encode()).hexdigest()
    monkeypatch.setattr(treebank, "FILES", {k: (v[0], 1, 5, sha) for k, v in treebank.FILES.items()})
    monkeypatch.setattr(treebank.urllib.request, "urlopen", lambda url, timeout: Response(SENTENCE.encode()))
    folder = treebank.download_ewt(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == sorted(good)
    assert shutil.disk_usage(folder)  # the files are there and complete
    bank = load_ewt(folder)
    assert bank.test[0].words == ["I", "do", "n't", "know", "."]
