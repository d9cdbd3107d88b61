//! `score` against a gradient index: each query row's contributions (and examples), written
//! as it is scored.
//!
//! Every row is parsed first (a bad row fails the run before anything is written), then
//! scored and written in file order: JSON, one object per line; text, one block per row,
//! blocks separated by an empty line. A file of one row prints exactly one result, as before.

use super::{load_data, read_index, rows, Error, ScoreArgs};
use crate::{
	index::{Index, ScoreError},
	memory::DEFAULT_MAX_MEMORY,
	shares, Query,
};
use std::{io::Write, path::PathBuf};

/// Scores every row of `a.query` against the gradient index `a.index`, writing to `out`.
pub(super) fn score(a: &ScoreArgs, out: &mut dyn Write) -> Result<(), Error> {
	let (mut index, _) = read_index(&a.index)?;
	let qbytes = std::fs::read(&a.query).map_err(|e| Error::Io(a.query.clone(), e))?;
	let rows = rows::split(&qbytes);
	let mut queries = Vec::with_capacity(rows.len());
	for (row, q) in rows.iter().enumerate() {
		let parsed = index.parse_query(&q.bytes);
		queries.push(match (parsed, q.line) {
			(Ok(query), _) => query,
			(Err(e), None) => return Err(e.into()),
			(Err(error), Some(line)) => return Err(Error::QueryRow { row, line, error }),
		});
	}
	if a.per_example && index.examples.is_none() {
		if a.data.is_empty() {
			return Err(ScoreError::NoExamples.into());
		}
		recompute_examples(&mut index, &a.data, a.max_memory.unwrap_or(DEFAULT_MAX_MEMORY))?;
	}
	for (row, query) in queries.iter().enumerate() {
		if row > 0 && a.format == "text" {
			out.write_all(b"\n").map_err(Error::Output)?;
		}
		let text = render(&index, query, a).map_err(|error| match rows[row].line {
			Some(line) => Error::QueryRow { row, line, error },
			None => Error::Score(error),
		})?;
		out.write_all(text.as_bytes()).map_err(Error::Output)?;
	}
	Ok(())
}

/// One query's output: contributions sorted by score (at most `--top`, default all) with
/// their shares, and with `--per-example` the examples (at most `--top`, default all).
fn render(index: &Index, query: &Query, a: &ScoreArgs) -> Result<String, ScoreError> {
	let scores = index.score(query)?;
	let top = a.top.unwrap_or(scores.len());
	let order: Vec<usize> = ranked(&scores).into_iter().take(top).collect();
	let mut share = vec![0.0; scores.len()];
	for (c, ppb) in shares::shares(&scores, top) {
		share[c as usize] = ppb as f64 / 1e9;
	}
	let mut examples = Vec::new();
	if a.per_example {
		let ex_scores = index.score_examples(query)?;
		let ex = index.examples.as_ref().map(|e| &e.contribution);
		let top = a.top.unwrap_or(ex_scores.len());
		for i in ranked(&ex_scores).into_iter().take(top) {
			let c = ex.map(|e| e[i] as usize).unwrap_or(0);
			examples.push((i, c, ex_scores[i]));
		}
	}
	let name = |c: usize| String::from_utf8_lossy(&index.contributors[c]).into_owned();
	if a.format == "text" {
		let mut s = String::new();
		for &c in &order {
			s.push_str(&format!("{}\t{:e}\t{}\n", name(c), scores[c], share[c]));
		}
		for (i, c, v) in &examples {
			s.push_str(&format!("row {i}\t{}\t{v:e}\n", name(*c)));
		}
		return Ok(s);
	}
	let contributions: Vec<serde_json::Value> = order
		.iter()
		.map(
			|&c| serde_json::json!({"contributor": name(c), "score": num(scores[c]), "share": share[c]}),
		)
		.collect();
	let mut obj = serde_json::Map::new();
	obj.insert("contributions".into(), contributions.into());
	if a.per_example {
		let ex: Vec<serde_json::Value> = examples
			.iter()
			.map(
				|&(i, c, v)| serde_json::json!({"row": i, "contributor": name(c), "score": num(v)}),
			)
			.collect();
		obj.insert("examples".into(), ex.into());
	}
	Ok(format!("{}\n", serde_json::Value::Object(obj)))
}

/// Indices by score, descending, ties by index.
fn ranked(scores: &[f64]) -> Vec<usize> {
	let mut order: Vec<usize> = (0..scores.len()).collect();
	order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
	order
}

fn num(v: f64) -> serde_json::Value {
	serde_json::Number::from_f64(v)
		.map(serde_json::Value::Number)
		.unwrap_or(serde_json::Value::Null)
}

/// Recomputes the per-example vectors from the training files at the index's θ*.
fn recompute_examples(index: &mut Index, data: &[PathBuf], max_memory: u64) -> Result<(), Error> {
	let ds = load_data(data, index.family, None)?;
	if ds.n() as u64 != index.n_train
		|| ds.features != index.features
		|| ds
			.contributors
			.iter()
			.map(|c| c.as_bytes())
			.ne(index.contributors.iter().map(|c| &c[..]))
	{
		return Err(Error::Usage(
			"--data does not match the index (different rows, columns or contributors)".into(),
		));
	}
	let (ex, cg) = crate::build::example_vectors(index, &ds, max_memory)?;
	if let Some(w) = cg.as_ref().and_then(super::train::cg_warning) {
		eprintln!("{w}");
	}
	index.examples = Some(ex);
	Ok(())
}
