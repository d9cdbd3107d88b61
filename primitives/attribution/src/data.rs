//! Training data input (std): CSV files and `.npy` gradient matrices.
//!
//! CSV: a header row; `label` (required for training), optional `contributor` (a
//! contribution id `dataset:contribution`, or any label offline; when absent every row of
//! the file belongs to one contribution named after the file), and numeric feature
//! columns. All files must have the same feature columns (any order). Rows are numbered
//! 0-based in file order across all files.
//!
//! `.npy`: a 2-D little-endian `f4`/`f8` C-order array, one row of per-example gradient
//! features per example (family `external`); its columns are named `g0, g1, …`.

use crate::csv;
use std::{collections::HashMap, fmt, path::Path};

/// A loaded training set.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
	/// Feature column names.
	pub features: Vec<String>,
	/// Row-major `n × d` features.
	pub x: Vec<f64>,
	/// Labels (empty for `.npy` data).
	pub y: Vec<f64>,
	/// Contribution index of each row.
	pub contribution: Vec<u32>,
	/// Contribution ids, in order of first appearance.
	pub contributors: Vec<String>,
}

/// Input error, naming the file and the problem.
#[derive(Debug, Clone, PartialEq)]
pub struct DataError(pub String);

impl fmt::Display for DataError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(&self.0)
	}
}

impl std::error::Error for DataError {}

fn err<T>(s: String) -> Result<T, DataError> {
	Err(DataError(s))
}

impl Dataset {
	/// Number of rows.
	pub fn n(&self) -> usize {
		self.contribution.len()
	}
	/// Number of features.
	pub fn d(&self) -> usize {
		self.features.len()
	}

	fn contributor_index(&mut self, map: &mut HashMap<String, u32>, id: &str) -> u32 {
		if let Some(&c) = map.get(id) {
			return c;
		}
		let c = self.contributors.len() as u32;
		self.contributors.push(id.to_string());
		map.insert(id.to_string(), c);
		c
	}

	/// Reads and concatenates CSV files (labels required when `need_label`).
	pub fn from_csv_files<P: AsRef<Path>>(
		paths: &[P],
		need_label: bool,
	) -> Result<Dataset, DataError> {
		if paths.is_empty() {
			return err("no --data file given".into());
		}
		let mut ds = Dataset::default();
		let mut map = HashMap::new();
		for path in paths {
			let path = path.as_ref();
			let text = std::fs::read(path)
				.map_err(|e| DataError(format!("{}: cannot read: {e}", path.display())))?;
			let text = String::from_utf8(text).map_err(|_| {
				DataError(format!("{}: malformed CSV: not UTF-8 text", path.display()))
			})?;
			ds.add_csv(&text, &path.display().to_string(), need_label, &mut map)?;
		}
		if ds.n() == 0 {
			return err("empty data: the --data files have no rows".into());
		}
		Ok(ds)
	}

	/// Parses one CSV text (named `name` in messages) and appends its rows.
	pub fn add_csv(
		&mut self,
		text: &str,
		name: &str,
		need_label: bool,
		map: &mut HashMap<String, u32>,
	) -> Result<(), DataError> {
		let text = text.strip_prefix('\u{feff}').unwrap_or(text);
		let mut lines = csv::lines(text);
		let Some((hl, header)) = lines.next() else {
			return err(format!("{name}: empty data: no header row"));
		};
		let header = csv::split_line(header, hl).map_err(|e| DataError(format!("{name}: {e}")))?;
		let mut label_col = None;
		let mut contrib_col = None;
		let mut feat_cols: Vec<(usize, String)> = Vec::new();
		for (c, h) in header.iter().enumerate() {
			if h.is_empty() {
				return err(format!("{name}: malformed CSV: header column {} has no name", c + 1));
			}
			if header[..c].contains(h) {
				return err(format!("{name}: duplicate column `{h}`"));
			}
			match h.as_str() {
				"label" => label_col = Some(c),
				"contributor" => contrib_col = Some(c),
				_ => feat_cols.push((c, h.clone())),
			}
		}
		if need_label && label_col.is_none() {
			return err(format!("{name}: missing column `label`"));
		}
		if feat_cols.is_empty() {
			return err(format!("{name}: no feature columns"));
		}
		// Map this file's feature columns onto the dataset's order.
		let order: Vec<usize> = if self.features.is_empty() && self.n() == 0 {
			self.features = feat_cols.iter().map(|f| f.1.clone()).collect();
			feat_cols.iter().map(|f| f.0).collect()
		} else {
			for f in &self.features {
				if !feat_cols.iter().any(|c| &c.1 == f) {
					return err(format!(
						"{name}: missing column `{f}` (present in the first file)"
					));
				}
			}
			for c in &feat_cols {
				if !self.features.contains(&c.1) {
					return err(format!("{name}: extra column `{}` (not in the first file)", c.1));
				}
			}
			self.features
				.iter()
				.map(|f| feat_cols.iter().find(|c| &c.1 == f).map(|c| c.0).unwrap_or(0))
				.collect()
		};
		let file_contrib =
			if contrib_col.is_none() { Some(self.contributor_index(map, name)) } else { None };
		let mut fields: Vec<String>;
		for (ln, line) in lines {
			fields = csv::split_line(line, ln).map_err(|e| DataError(format!("{name}: {e}")))?;
			if fields.len() != header.len() {
				return err(format!(
					"{name}: malformed CSV: line {ln} has {} fields, the header has {}",
					fields.len(),
					header.len()
				));
			}
			for &c in &order {
				let v = parse_num(&fields[c], name, ln, &header[c])?;
				self.x.push(v);
			}
			if let Some(c) = label_col {
				self.y.push(parse_num(&fields[c], name, ln, "label")?);
			}
			let ci = match contrib_col {
				Some(c) => {
					if fields[c].is_empty() {
						return err(format!("{name}: line {ln}: empty `contributor`"));
					}
					let id = fields[c].clone();
					self.contributor_index(map, &id)
				}
				None => file_contrib.unwrap_or(0),
			};
			self.contribution.push(ci);
		}
		Ok(())
	}

	/// Reads a `.npy` gradient matrix; rows belong to contributions named in
	/// `contributors` (one id per line) or, without it, to one contribution named after
	/// the file.
	pub fn from_npy(path: &Path, contributors: Option<&Path>) -> Result<Dataset, DataError> {
		let bytes = std::fs::read(path)
			.map_err(|e| DataError(format!("{}: cannot read: {e}", path.display())))?;
		let (rows, cols, x) =
			read_npy(&bytes).map_err(|e| DataError(format!("{}: {e}", path.display())))?;
		if rows == 0 || cols == 0 {
			return err(format!(
				"{}: empty data: the array has no rows or columns",
				path.display()
			));
		}
		if let Some(i) = x.iter().position(|v| !v.is_finite()) {
			return err(format!(
				"{}: NaN or infinite value at row {}, column {}",
				path.display(),
				i / cols,
				i % cols
			));
		}
		let mut ds = Dataset {
			features: (0..cols).map(|j| format!("g{j}")).collect(),
			x,
			..Default::default()
		};
		let mut map = HashMap::new();
		match contributors {
			Some(cp) => {
				let text = std::fs::read_to_string(cp)
					.map_err(|e| DataError(format!("{}: cannot read: {e}", cp.display())))?;
				let ids: Vec<&str> =
					text.lines().map(|l| l.trim()).filter(|l| !l.is_empty()).collect();
				if ids.len() != rows {
					return err(format!(
						"{}: {} contributor ids for {} rows of {}",
						cp.display(),
						ids.len(),
						rows,
						path.display()
					));
				}
				for id in ids {
					let c = ds.contributor_index(&mut map, id);
					ds.contribution.push(c);
				}
			}
			None => {
				let c = ds.contributor_index(&mut map, &path.display().to_string());
				ds.contribution = vec![c; rows];
			}
		}
		Ok(ds)
	}
}

fn parse_num(s: &str, name: &str, ln: usize, col: &str) -> Result<f64, DataError> {
	let v: f64 = s.trim().parse().map_err(|_| {
		DataError(format!("{name}: line {ln}, column `{col}`: `{s}` is not a number"))
	})?;
	if !v.is_finite() {
		return err(format!("{name}: line {ln}, column `{col}`: NaN or infinite value"));
	}
	Ok(v)
}

/// Parses a `.npy` (format 1.0–3.0) 2-D `<f4`/`<f8` C-order array: `(rows, cols, data)`.
pub fn read_npy(b: &[u8]) -> Result<(usize, usize, Vec<f64>), String> {
	if b.len() < 10 || &b[..6] != b"\x93NUMPY" {
		return Err("not a .npy file (bad magic)".into());
	}
	let major = b[6];
	let (hlen, start) = match major {
		1 => (u16::from_le_bytes([b[8], b[9]]) as usize, 10usize),
		2 | 3 => {
			if b.len() < 12 {
				return Err("truncated .npy header".into());
			}
			(u32::from_le_bytes([b[8], b[9], b[10], b[11]]) as usize, 12)
		}
		v => return Err(format!("unsupported .npy version {v}")),
	};
	let end = start.checked_add(hlen).filter(|&e| e <= b.len()).ok_or("truncated .npy header")?;
	let header = std::str::from_utf8(&b[start..end]).map_err(|_| "bad .npy header")?;
	let descr = if header.contains("'<f8'") {
		8
	} else if header.contains("'<f4'") {
		4
	} else {
		return Err(format!("unsupported .npy dtype (need <f4 or <f8): {}", header.trim()));
	};
	if header.contains("'fortran_order': True") {
		return Err("unsupported .npy layout: Fortran order".into());
	}
	let sh = header.split("'shape':").nth(1).ok_or("bad .npy header: no shape")?;
	let sh = sh.split('(').nth(1).and_then(|s| s.split(')').next()).ok_or("bad .npy shape")?;
	let dims: Vec<usize> = sh
		.split(',')
		.map(|s| s.trim())
		.filter(|s| !s.is_empty())
		.map(|s| s.parse::<usize>().map_err(|_| "bad .npy shape".to_string()))
		.collect::<Result<_, _>>()?;
	if dims.len() != 2 {
		return Err(format!("expected a 2-D array, got {} dimensions", dims.len()));
	}
	let (rows, cols) = (dims[0], dims[1]);
	let count = rows.checked_mul(cols).ok_or("bad .npy shape")?;
	let data = &b[end..];
	if data.len() != count * descr {
		return Err(format!(
			"truncated .npy data: expected {} bytes, found {}",
			count * descr,
			data.len()
		));
	}
	let x = if descr == 8 {
		data.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8]))).collect()
	} else {
		data.chunks_exact(4)
			.map(|c| f32::from_le_bytes(c.try_into().unwrap_or([0; 4])) as f64)
			.collect()
	};
	Ok((rows, cols, x))
}

/// Writes a 2-D `<f8` `.npy` (used by tests and scripts).
pub fn write_npy_f64(rows: usize, cols: usize, x: &[f64]) -> Vec<u8> {
	let mut h = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {cols}), }}");
	while (10 + h.len() + 1) % 64 != 0 {
		h.push(' ');
	}
	h.push('\n');
	let mut out = b"\x93NUMPY\x01\x00".to_vec();
	out.extend_from_slice(&(h.len() as u16).to_le_bytes());
	out.extend_from_slice(h.as_bytes());
	for v in x {
		out.extend_from_slice(&v.to_le_bytes());
	}
	out
}
