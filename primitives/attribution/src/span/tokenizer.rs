//! The span method's tokeniser, version [`SPAN_TOKENIZER_VERSION`] = 1.
//!
//! Input is UTF-8 text ([`validate`]: anything else is [`SpanError::InvalidUtf8`]). Over its
//! Unicode scalar values:
//!
//! 1. *separators* — `char::is_whitespace` (the Unicode `White_Space` property) and
//!    U+FEFF (byte order mark / zero width no-break space) — end a token and are dropped;
//! 2. a Han ideograph or a kana character (the fixed ranges of [`is_ideographic`]: scripts
//!    written without spaces between words) is a token of its own;
//! 3. a maximal run of other `char::is_alphanumeric` characters (`Alphabetic` or
//!    `Numeric`) is one token;
//! 4. every other character (punctuation, symbols, marks that are not `Alphabetic`,
//!    controls) is a token of its own.
//!
//! Tokens are compared by their exact UTF-8 bytes: case-sensitive, no Unicode
//! normalisation, so "don't" is `don` `'` `t` and "naïve" written with a combining
//! diaeresis is `nai` `̈` `ve`. Whitespace between tokens is not part of the stream: text
//! that differs only in spacing or line breaks has the same tokens.
//!
//! Character classes follow the Unicode tables of the compiler (`char::UNICODE_VERSION`);
//! an index records the version it was built with ([`crate::span::SpanIndex::unicode_version`]).
//! Only characters whose properties changed between two Unicode versions can tokenise
//! differently. Other scripts written without spaces (Thai, Lao, Khmer, Myanmar) tokenise
//! to runs as long as their words' clusters, which makes their spans coarse.
//!
//! Token ids: the index's vocabulary is the set of distinct corpus tokens sorted by their
//! bytes; token `i` of that order (0-based) has id `i + 1`, and id 0 is the document
//! separator. Ids compare tokens exactly (no hashing, no collisions). A query token absent
//! from the vocabulary has no id and can be part of no span.

use super::SpanError;

/// Version of the tokenisation rules above. Part of every span index's header and of what
/// attestors bind their results to.
pub const SPAN_TOKENIZER_VERSION: u16 = 1;

/// The tokeniser's Unicode version, `(major, minor, update)`.
pub fn unicode_version() -> (u8, u8, u8) {
	char::UNICODE_VERSION
}

/// Checks that `bytes` is UTF-8; `source` names it in the error.
pub fn validate<'a>(bytes: &'a [u8], source: &str) -> Result<&'a str, SpanError> {
	std::str::from_utf8(bytes)
		.map_err(|e| SpanError::InvalidUtf8 { source: source.to_string(), offset: e.valid_up_to() })
}

/// Whether `c` separates tokens (rule 1).
#[inline]
pub fn is_separator(c: char) -> bool {
	c.is_whitespace() || c == '\u{feff}'
}

/// Han ideographs (CJK Unified Ideographs, Extension A and the supplementary ideographic
/// planes U+20000–U+3FFFF, CJK Compatibility Ideographs), Hiragana, Katakana (with its
/// phonetic extensions and the halfwidth forms U+FF66–U+FF9F): each is a token (rule 2).
#[inline]
pub fn is_ideographic(c: char) -> bool {
	matches!(c as u32,
		0x3040..=0x309F | 0x30A0..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF
		| 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F | 0x20000..=0x3FFFF)
}

/// The tokens of `text` as byte ranges `(start, end)` into it, in order.
pub fn tokenize(text: &str) -> Tokens<'_> {
	Tokens { text, pos: 0 }
}

/// Iterator over the token byte ranges of a text ([`tokenize`]).
#[derive(Clone, Debug)]
pub struct Tokens<'a> {
	text: &'a str,
	pos: usize,
}

/// ASCII classes: 0 separator, 1 alphanumeric, 2 other.
const fn ascii_class() -> [u8; 128] {
	let mut t = [2u8; 128];
	let mut b = 0;
	while b < 128 {
		let c = b as u8;
		if c.is_ascii_alphanumeric() {
			t[b] = 1;
		}
		// `char::is_whitespace` on ASCII: U+0009..=U+000D and U+0020.
		if (c >= 0x09 && c <= 0x0d) || c == b' ' {
			t[b] = 0;
		}
		b += 1;
	}
	t
}
const ASCII: [u8; 128] = ascii_class();

impl<'a> Tokens<'a> {
	/// The class of the character at byte `pos` (0 separator, 1 alphanumeric, 2 a token of
	/// its own) and its UTF-8 length.
	#[inline]
	fn class_at(&self, pos: usize) -> (u8, usize) {
		let b = self.text.as_bytes()[pos];
		if b < 0x80 {
			return (ASCII[b as usize], 1);
		}
		// `pos` is a char boundary: the iterator only stops at boundaries.
		let c = self.text[pos..].chars().next().unwrap_or(' ');
		let class = if is_separator(c) {
			0
		} else if is_ideographic(c) {
			2
		} else if c.is_alphanumeric() {
			1
		} else {
			2
		};
		(class, c.len_utf8())
	}
}

impl Iterator for Tokens<'_> {
	type Item = (usize, usize);

	fn next(&mut self) -> Option<(usize, usize)> {
		let len = self.text.len();
		while self.pos < len {
			let (class, w) = self.class_at(self.pos);
			match class {
				0 => self.pos += w,
				1 => {
					let start = self.pos;
					self.pos += w;
					while self.pos < len {
						let (c, w) = self.class_at(self.pos);
						if c != 1 {
							break;
						}
						self.pos += w;
					}
					return Some((start, self.pos));
				}
				_ => {
					let start = self.pos;
					self.pos += w;
					return Some((start, self.pos));
				}
			}
		}
		None
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn toks(s: &str) -> Vec<&str> {
		tokenize(s).map(|(a, b)| &s[a..b]).collect()
	}

	#[test]
	fn words_and_punctuation() {
		assert_eq!(toks("Hello, world!"), ["Hello", ",", "world", "!"]);
		assert_eq!(toks("don't  stop\n\tnow..."), ["don", "'", "t", "stop", "now", ".", ".", "."]);
		assert_eq!(toks("x1 2y 3.14"), ["x1", "2y", "3", ".", "14"]);
		assert_eq!(toks(""), Vec::<&str>::new());
		assert_eq!(toks(" \t\r\n\x0b\x0c"), Vec::<&str>::new());
	}

	#[test]
	fn unicode() {
		// Non-ASCII letters and digits join words; U+00A0, U+3000 and U+FEFF separate.
		assert_eq!(toks("naïve café"), ["naïve", "café"]);
		assert_eq!(toks("a\u{a0}b\u{3000}c\u{feff}d"), ["a", "b", "c", "d"]);
		// Han and kana: one token per character; Hangul words are runs.
		assert_eq!(
			toks("日本語のテキスト。"),
			["日", "本", "語", "の", "テ", "キ", "ス", "ト", "。"]
		);
		assert_eq!(toks("한국어 문장"), ["한국어", "문장"]);
		assert_eq!(toks("abc中文def"), ["abc", "中", "文", "def"]);
		assert_eq!(toks("Ελληνικά—русский"), ["Ελληνικά", "—", "русский"]);
		assert_eq!(toks("٣٤ x²"), ["٣٤", "x²"]);
		// A combining mark that is not Alphabetic is a token of its own.
		assert_eq!(toks("nai\u{308}ve"), ["nai", "\u{308}", "ve"]);
		assert_eq!(toks("🙂🙂 ok"), ["🙂", "🙂", "ok"]);
	}

	#[test]
	fn invalid_utf8_is_located() {
		match validate(b"abc\xffdef", "a.txt") {
			Err(SpanError::InvalidUtf8 { source, offset }) => {
				assert_eq!((source.as_str(), offset), ("a.txt", 3))
			}
			other => panic!("{other:?}"),
		}
		assert!(validate("ok ✓".as_bytes(), "q").is_ok());
	}

	#[test]
	fn ascii_table_matches_char_classes() {
		for b in 0u8..128 {
			let c = b as char;
			let want = if is_separator(c) {
				0
			} else if c.is_alphanumeric() {
				1
			} else {
				2
			};
			assert_eq!(ASCII[b as usize], want, "byte {b}");
		}
	}
}
