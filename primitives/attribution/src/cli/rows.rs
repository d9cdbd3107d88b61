//! A query file's rows as one-row queries, for `score` with a file of many queries.
//!
//! The no_std core parses exactly one data row ([`crate::Query::parse`], the bytes the chain
//! stores). A file with several rows is cut into `header + row` texts, each scored as a
//! one-row query file of its own, so each row's result is bit for bit what a file holding
//! only that row gives.

use crate::csv;
use std::borrow::Cow;

/// One query of a query file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryRow<'a> {
	/// 1-based line of the row in the file (`None`: the file is passed whole).
	pub line: Option<usize>,
	/// The query bytes: `header\nrow\n`, or the whole file.
	pub bytes: Cow<'a, [u8]>,
}

/// The one-row queries of `bytes`. A file with at most one data row, or one that is not UTF-8
/// text, is returned whole, so that it parses (or fails) exactly as a single query.
pub fn split(bytes: &[u8]) -> Vec<QueryRow<'_>> {
	let whole = || vec![QueryRow { line: None, bytes: Cow::Borrowed(bytes) }];
	let Ok(text) = std::str::from_utf8(bytes) else {
		return whole();
	};
	let text = text.strip_prefix('\u{feff}').unwrap_or(text);
	let mut lines = csv::lines(text);
	let Some((_, header)) = lines.next() else {
		return whole();
	};
	let rows: Vec<(usize, &str)> = lines.collect();
	if rows.len() <= 1 {
		return whole();
	}
	rows.into_iter()
		.map(|(line, row)| {
			let mut b = Vec::with_capacity(header.len() + row.len() + 2);
			b.extend_from_slice(header.as_bytes());
			b.push(b'\n');
			b.extend_from_slice(row.as_bytes());
			b.push(b'\n');
			QueryRow { line: Some(line), bytes: Cow::Owned(b) }
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn one_row_files_pass_whole() {
		for b in [&b"a,b\n1,2\n"[..], b"a,b\n", b"", b"\xff\xfe,1\n1\n2\n", b"a\n\n1\n\n"] {
			let r = split(b);
			assert_eq!(r, vec![QueryRow { line: None, bytes: Cow::Borrowed(b) }]);
		}
	}

	#[test]
	fn rows_get_the_header() {
		let r = split("\u{feff}a,b\r\n1,2\r\n\r\n3,4\n".as_bytes());
		assert_eq!(r.len(), 2);
		assert_eq!((r[0].line, &r[0].bytes[..]), (Some(2), &b"a,b\n1,2\n"[..]));
		assert_eq!((r[1].line, &r[1].bytes[..]), (Some(4), &b"a,b\n3,4\n"[..]));
	}
}
