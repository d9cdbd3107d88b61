//! A small CSV reader (RFC 4180 subset, no_std): comma separated, optional double quotes
//! with `""` escapes, `\n` or `\r\n` line ends, blank lines ignored.

use alloc::{string::String, vec::Vec};
use core::fmt;

/// A CSV syntax error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CsvError {
	/// A quoted field is not closed (1-based line).
	UnclosedQuote { line: usize },
	/// Text after a closing quote other than a comma or line end (1-based line).
	TextAfterQuote { line: usize },
}

impl fmt::Display for CsvError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			CsvError::UnclosedQuote { line } => {
				write!(f, "malformed CSV: unclosed quote on line {line}")
			}
			CsvError::TextAfterQuote { line } => {
				write!(f, "malformed CSV: text after a closing quote on line {line}")
			}
		}
	}
}

/// Splits one line (without its line end) into fields.
pub fn split_line(line: &str, line_no: usize) -> Result<Vec<String>, CsvError> {
	let mut out = Vec::new();
	if !line.contains('"') {
		for f in line.split(',') {
			out.push(String::from(f.trim()));
		}
		return Ok(out);
	}
	let b = line.as_bytes();
	let mut i = 0;
	loop {
		// Skip leading blanks.
		while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
			i += 1;
		}
		if i < b.len() && b[i] == b'"' {
			i += 1;
			let mut field = Vec::new();
			loop {
				if i >= b.len() {
					return Err(CsvError::UnclosedQuote { line: line_no });
				}
				if b[i] == b'"' {
					if i + 1 < b.len() && b[i + 1] == b'"' {
						field.push(b'"');
						i += 2;
					} else {
						i += 1;
						break;
					}
				} else {
					field.push(b[i]);
					i += 1;
				}
			}
			while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
				i += 1;
			}
			// Fields were split from valid UTF-8 on ASCII boundaries.
			out.push(String::from_utf8(field).unwrap_or_default());
			if i == b.len() {
				break;
			}
			if b[i] != b',' {
				return Err(CsvError::TextAfterQuote { line: line_no });
			}
			i += 1;
		} else {
			let start = i;
			while i < b.len() && b[i] != b',' {
				if b[i] == b'"' {
					return Err(CsvError::TextAfterQuote { line: line_no });
				}
				i += 1;
			}
			out.push(String::from(line[start..i].trim()));
			if i == b.len() {
				break;
			}
			i += 1;
		}
	}
	Ok(out)
}

/// Non-blank lines of `text` with their 1-based line numbers, line ends stripped.
pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
	text.split('\n')
		.enumerate()
		.map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
		.filter(|(_, l)| !l.trim().is_empty())
}

/// Parses a number field; `None` if it is not a number.
pub fn parse_f64(s: &str) -> Option<f64> {
	s.trim().parse::<f64>().ok()
}
