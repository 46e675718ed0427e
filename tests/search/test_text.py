"""The one analysis function, for documents and queries alike."""

from search.text import add_words, compact, spans, terms


def test_traditional_folds_to_simplified():
    assert terms("口紅") == terms("口红") == ["口红"]


def test_english_is_lowercased_accent_folded_and_stemmed():
    assert terms("Creams") == terms("cream") == ["cream"]
    assert terms("Crème") == ["creme"]
    assert terms("ＣｅｒａＶｅ") == terms("cerave")


def test_punctuation_markup_and_operators_make_no_terms():
    assert terms("。。。!!! ??? *** --") == []
    assert terms('" OR 1=1 -- NEAR(a b) {terms_a}: x*') == ["1", "1", "near", "b", "term", "x"]


def test_a_name_added_to_the_dictionary_stays_whole():
    add_words(["花西子"])
    assert "花西子" in terms("花西子的散粉很好用")


def test_spans_point_into_the_original_text():
    text = "I love my 口紅 and Creams"
    for span in spans(text):
        assert terms(text[span.start : span.end]) == [span.term]


def test_compact_is_the_whole_name_folded():
    assert compact("CeraVe Moisturizing Cream") == "ceravemoisturizingcream"
    assert compact("蘭蔻 小黑瓶") == "兰蔻小黑瓶"


def test_a_snippet_marks_a_match_deep_in_a_long_body():
    from search.selectors import highlight
    from search.text import terms

    body = "Plain words about nothing. " * 60 + "这支口紅 and the Serums were great. " + "More filler text. " * 20
    words = frozenset(terms("口红 serum"))
    html = highlight(body, words, snippet=160)
    assert "<mark>口紅</mark>" in html and "<mark>Serums</mark>" in html
    assert html.startswith("…") and html.endswith("…") and len(html) < 260
    assert "<mark>" not in highlight("Plain words. " * 300, words, snippet=160)


def test_matches_finds_chinese_terms_without_segmenting_and_english_by_stem():
    from search.text import matches

    text = "這支口紅很好看, the Lipsticks were great 口红"
    found = [text[start:end] for start, end in matches(text, terms("口红 lipstick"))]
    assert found == ["口紅", "Lipsticks", "口红"]
