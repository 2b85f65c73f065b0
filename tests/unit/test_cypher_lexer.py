"""The console's lexer reads Cypher as Neo4j 5.26 does: every line terminator and
whitespace of its grammar, both comment forms, unicode escapes replaced first."""

from __future__ import annotations

import pytest

from graph.cypher_lexer import SPACES, Kind, LexError, lex, replace_unicode_escapes, string_value


def words(text: str) -> list[str]:
    return [t.text for t in lex(text).tokens]


@pytest.mark.parametrize("end", ["\r", "\n", "\r\n", "\\u000d", "\\u000a", "\\uu000D"])
def test_a_line_comment_ends_where_neo4j_ends_it(end: str) -> None:
    lexed = lex(f"//x{end}SHOW SETTINGS")
    assert [t.text for t in lexed.tokens] == ["SHOW", "SETTINGS"]
    assert lexed.text == "SHOW SETTINGS"


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\u00a0"])
def test_other_separators_do_not_end_a_line_comment(sep: str) -> None:
    # Neo4j's `//` comment runs to \r or \n only: what follows stays comment.
    assert lex(f"RETURN 1 //x{sep}SET n.x = 1").text == "RETURN 1"


def test_block_comments_do_not_nest_and_must_end() -> None:
    assert words("RETURN /* a /* b */ 1") == ["RETURN", "1"]
    assert words("RETURN 1 /* a */ */") == ["RETURN", "1", "*", "/"]
    with pytest.raises(LexError, match="unterminated /\\* comment"):
        lex("RETURN 1 /* SET n.x = 1")


def test_every_neo4j_space_separates_and_becomes_plain() -> None:
    for space in SPACES:
        lexed = lex(f"MATCH{space}(n){space}RETURN{space}n")
        assert words(lexed.text) == ["MATCH", "(", "n", ")", "RETURN", "n"]
        assert set(lexed.text) <= set("MATCHRETUNn() \n")


@pytest.mark.parametrize(
    "char", ["\u0085", "\ufeff", "\u200b", "\u00ad", "Ѕ", "Ｃ", "\x00", "\x7f"]
)
def test_code_outside_literals_is_plain_ascii(char: str) -> None:
    with pytest.raises(LexError, match=f"U\\+{ord(char):04X}"):
        lex(f"MATCH (n){char}RETURN n")


def test_literals_and_names_keep_any_text() -> None:
    lexed = lex('RETURN \'Töö // */ \u2028 Нарва\', "x\\"y", `a``b // c` AS `ö`')
    kinds = [t.kind for t in lexed.tokens]
    assert kinds.count(Kind.STRING) == 2 and kinds.count(Kind.NAME) == 2
    assert "'Töö // */ \u2028 Нарва'" in lexed.text and "`a``b // c`" in lexed.text


def test_a_backslash_escapes_any_character_in_a_string() -> None:
    assert words("RETURN 'it\\\\' AS s SET") == ["RETURN", "'it\\\\'", "AS", "s", "SET"]
    assert words("RETURN 'it\\' SET' AS s") == ["RETURN", "'it\\' SET'", "AS", "s"]
    with pytest.raises(LexError, match="unterminated string"):
        lex("RETURN 'unterminated")
    with pytest.raises(LexError, match="unterminated `quoted name`"):
        lex("RETURN `a``")


def test_unicode_escapes_are_replaced_everywhere_first() -> None:
    assert replace_unicode_escapes("a\\u0041\\\\u0041\\uuu0042") == "aA\\\\u0041B"
    # an escaped quote becomes a real one and ends (or starts) a string, as in Neo4j
    assert words("RETURN \\u0027x\\u0027 AS s") == ["RETURN", "'x'", "AS", "s"]
    with pytest.raises(LexError, match="invalid unicode escape"):
        lex("RETURN '\\u12'")
    # an escape that makes another escape would be read twice by Neo4j
    with pytest.raises(LexError, match="another"):
        lex("RETURN '\\u005cu0041'")


def test_numbers_glue_letters_as_neo4j_does() -> None:
    assert words("RETURN 1AS x, 1.5e-3, 0x1F, 1..3") == [
        "RETURN", "1AS", "x", ",", "1.5e-3", ",", "0x1F", ",", "1", "..", "3",
    ]  # fmt: skip


def test_the_canonical_text_keeps_adjacency_and_line_breaks() -> None:
    lexed = lex("MATCH (a)-->(b)\r\n// c\nWHERE a.x=~'y' /* z */RETURN a")
    assert lexed.text == "MATCH (a)-->(b)\nWHERE a.x=~'y' RETURN a"
    assert lex(lexed.text).text == lexed.text


def test_string_values_apply_cypher_escapes() -> None:
    (token,) = [t for t in lex("RETURN 'a\\\\d\\'\\n\\d'").tokens if t.kind is Kind.STRING]
    assert string_value(token) == "a\\d'\n\\d"
