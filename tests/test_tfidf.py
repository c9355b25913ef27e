"""The character n-gram TF-IDF of the lexical matcher, against hand-computed values."""
import math

import pytest

from evidence.tfidf import CharNgramTfidf, char_ngrams


def test_char_ngrams_pad_words_and_count_short_words_once():
    assert char_ngrams("ab") == {" a": 1, "ab": 1, "b ": 1, " ab": 1, "ab ": 1, " ab ": 1}
    assert char_ngrams("a") == {" a": 1, "a ": 1, " a ": 1}
    assert char_ngrams("A a")[" a "] == 2  # lower-cased, counted per word


def test_weights_follow_smooth_idf_sublinear_tf_and_l2_norm():
    space = CharNgramTfidf(2, 2)
    rows = space.fit_transform(["ab", "ac"])
    # grams: " a" in both documents (idf = ln(3/3) + 1 = 1); "ab", "b " only in the first (idf = ln(3/2) + 1)
    rare = math.log(3 / 2) + 1
    norm = math.sqrt(1 + 2 * rare ** 2)
    first = dict(zip((space.vocabulary[g] for g in (" a", "ab", "b ")), (1 / norm, rare / norm, rare / norm)))
    row = rows.getrow(0)
    assert {int(j): pytest.approx(v) for j, v in zip(row.indices, row.data)} == first
    assert rows.getrow(0).multiply(rows.getrow(0)).sum() == pytest.approx(1.0)


def test_similarity_of_a_text_with_itself_is_one_and_unknown_text_is_zero():
    space = CharNgramTfidf()
    docs = space.fit_transform(["перезвонил клиенту", "回访业主", "called the customer back"])
    queries = space.transform(["перезвонил клиенту", "zzzz"])
    sims = (queries @ docs.T).toarray()
    assert sims[0, 0] == pytest.approx(1.0) and sims[0, 0] > sims[0, 2]
    assert not sims[1].any()
