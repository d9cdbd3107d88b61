//! Query parsing (no_std): the exact bytes that `settle_inference` stores on chain.
//!
//! A query is CSV text: a header row and exactly one data row. Columns are matched by name
//! against the index's feature names (any order); `label` is optional; `contributor` is
//! ignored; any other column is an error.

use crate::csv::{self, CsvError};
use alloc::{string::String, vec, vec::Vec};
use core::fmt;

/// A parsed query: its features in the index's column order and an optional label.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
	/// Feature values, in the order of the index's feature names.
	pub features: Vec<f64>,
	/// The query's target; `None` means "the model's predicted label".
	pub label: Option<f64>,
}

/// Why a query could not be parsed.
#[derive(Clone, Debug, PartialEq)]
pub enum QueryError {
	/// The bytes are not UTF-8 text.
	NotUtf8,
	/// No header row.
	Empty,
	/// A header but no data row.
	NoDataRow,
	/// More than one data row.
	TooManyRows { rows: usize },
	/// CSV syntax error.
	Csv(CsvError),
	/// The data row has a different number of fields than the header.
	FieldCount { header: usize, row: usize },
	/// A feature column of the index is missing.
	MissingColumn(String),
	/// A column the index does not know.
	UnknownColumn(String),
	/// A column appears twice.
	DuplicateColumn(String),
	/// A field is not a number.
	NotANumber { column: String, value: String },
	/// A field is NaN or infinite.
	NonFinite { column: String },
	/// The label is not valid for the model family.
	InvalidLabel { value: f64 },
}

impl From<CsvError> for QueryError {
	fn from(e: CsvError) -> Self {
		QueryError::Csv(e)
	}
}

impl fmt::Display for QueryError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			QueryError::NotUtf8 => write!(f, "query is not UTF-8 text"),
			QueryError::Empty => {
				write!(f, "query is empty: expected a header row and one data row")
			}
			QueryError::NoDataRow => write!(f, "query has a header but no data row"),
			QueryError::TooManyRows { rows } => {
				write!(f, "query has {rows} data rows; exactly one is expected")
			}
			QueryError::Csv(e) => write!(f, "query: {e}"),
			QueryError::FieldCount { header, row } => write!(
				f,
				"malformed CSV: query header has {header} columns but its data row has {row}"
			),
			QueryError::MissingColumn(c) => write!(f, "query is missing feature column `{c}`"),
			QueryError::UnknownColumn(c) => {
				write!(f, "query has column `{c}` that the index does not know (extra column)")
			}
			QueryError::DuplicateColumn(c) => write!(f, "query has column `{c}` twice"),
			QueryError::NotANumber { column, value } => {
				write!(f, "query column `{column}`: `{value}` is not a number")
			}
			QueryError::NonFinite { column } => {
				write!(f, "query column `{column}` is NaN or infinite")
			}
			QueryError::InvalidLabel { value } => {
				write!(f, "query label {value} is not valid for the model family")
			}
		}
	}
}

/// A feature-name lookup for [`Query::parse_with`], built once per index: the names'
/// positions sorted by (name, position), and whether the names are distinct.
///
/// Matching a header column costs one comparison when the query lists the columns in the
/// index's order (the common case), else a binary search: `O(d)` for a query in index
/// order, `O(d log d)` in any other order, never quadratic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnLookup {
	sorted: Vec<u32>,
	distinct: bool,
}

impl ColumnLookup {
	/// Sorts the names' positions (`O(d log d)`).
	pub fn new<S: AsRef<str>>(names: &[S]) -> ColumnLookup {
		let mut sorted: Vec<u32> = (0..names.len() as u32).collect();
		sorted.sort_unstable_by(|&a, &b| {
			names[a as usize].as_ref().cmp(names[b as usize].as_ref()).then(a.cmp(&b))
		});
		let distinct = sorted
			.windows(2)
			.all(|w| names[w[0] as usize].as_ref() != names[w[1] as usize].as_ref());
		ColumnLookup { sorted, distinct }
	}

	/// The first position of `name` in `names` (the names this lookup was built from).
	fn find<S: AsRef<str>>(&self, names: &[S], name: &str) -> Option<usize> {
		let at = self.sorted.partition_point(|&i| names[i as usize].as_ref() < name);
		let j = *self.sorted.get(at)? as usize;
		(names[j].as_ref() == name).then_some(j)
	}
}

impl Query {
	/// Parses query bytes against the index's feature names. Builds a [`ColumnLookup`]
	/// (`O(d log d)`); use [`Query::parse_with`] to reuse one across queries.
	pub fn parse<S: AsRef<str>>(bytes: &[u8], feature_names: &[S]) -> Result<Query, QueryError> {
		Query::parse_with(bytes, feature_names, &ColumnLookup::new(feature_names))
	}

	/// Parses query bytes against the index's feature names, with `lookup` built from
	/// the same names by [`ColumnLookup::new`].
	///
	/// Each header column is compared first with the feature that follows the previously
	/// matched one, and looked up by binary search only if that differs. A column maps to
	/// the first feature of its name, exactly as a linear scan would.
	pub fn parse_with<S: AsRef<str>>(
		bytes: &[u8],
		feature_names: &[S],
		lookup: &ColumnLookup,
	) -> Result<Query, QueryError> {
		if lookup.sorted.len() != feature_names.len() {
			// Built from other names: never index out of bounds, rebuild.
			return Query::parse(bytes, feature_names);
		}
		let text = core::str::from_utf8(bytes).map_err(|_| QueryError::NotUtf8)?;
		let text = text.strip_prefix('\u{feff}').unwrap_or(text);
		let mut it = csv::lines(text);
		let (hl, header) = it.next().ok_or(QueryError::Empty)?;
		let header = csv::split_line(header, hl)?;
		let rows: Vec<(usize, &str)> = it.collect();
		if rows.is_empty() {
			return Err(QueryError::NoDataRow);
		}
		if rows.len() > 1 {
			return Err(QueryError::TooManyRows { rows: rows.len() });
		}
		let row = csv::split_line(rows[0].1, rows[0].0)?;
		if row.len() != header.len() {
			return Err(QueryError::FieldCount { header: header.len(), row: row.len() });
		}
		let d = feature_names.len();
		let mut features = vec![f64::NAN; d];
		let mut seen = vec![false; d];
		let mut label = None;
		let mut seen_label = false;
		let mut seen_contributor = false;
		// The feature expected next when the query follows the index's order.
		let mut next = 0usize;
		for (name, value) in header.iter().zip(row.iter()) {
			let name = name.as_str();
			if name == "contributor" {
				if seen_contributor {
					return Err(QueryError::DuplicateColumn(name.into()));
				}
				seen_contributor = true;
				continue;
			}
			let v = csv::parse_f64(value).ok_or_else(|| QueryError::NotANumber {
				column: name.into(),
				value: value.clone(),
			})?;
			if !v.is_finite() {
				return Err(QueryError::NonFinite { column: name.into() });
			}
			if name == "label" {
				if seen_label {
					return Err(QueryError::DuplicateColumn(name.into()));
				}
				seen_label = true;
				label = Some(v);
				continue;
			}
			// With distinct names, the expected feature is the first (only) of its name.
			let j = if lookup.distinct && next < d && feature_names[next].as_ref() == name {
				next
			} else {
				lookup
					.find(feature_names, name)
					.ok_or_else(|| QueryError::UnknownColumn(name.into()))?
			};
			if seen[j] {
				return Err(QueryError::DuplicateColumn(name.into()));
			}
			seen[j] = true;
			features[j] = v;
			next = j + 1;
		}
		if let Some(j) = seen.iter().position(|s| !s) {
			return Err(QueryError::MissingColumn(String::from(feature_names[j].as_ref())));
		}
		Ok(Query { features, label })
	}
}
