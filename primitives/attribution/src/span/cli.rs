//! The span method on the command line (mounted by [`crate::cli`]).
//!
//! ```text
//! train --family span --data a.txt [--contributor ID] [--data b.txt ...] --out text.idx
//!       [--min-span 8] [--max-occurrences 1000] [--shard-tokens N] [--progress]
//! score --index text.idx --query output.txt [--per-span] [--top N] [--min-span N]
//!       [--max-occurrences N] [--format json|text]
//! inspect --index text.idx
//! ```
//!
//! `train`: each `--data` file is one document; its contribution id is the `--contributor`
//! that follows it, else its file name without directory (`a.txt`); files with the same id
//! form one contribution. `--min-span` and `--max-occurrences` are stored in the index as
//! its query defaults (what attestors use). Prints the index's blake2-256 hash (`0x…`).
//!
//! `score --format json` prints
//! `{"contributions":[{"contributor":..,"score":..,"share":..}],"spans":[..]}`:
//! contributions sorted by score (descending, ties by index), at most `--top` (default
//! all), `share` = parts per billion / 10⁹ among the listed positive scores, as for
//! gradient indexes. `spans` only with `--per-span`, in query order:
//! `{"start":..,"end":..,"tokens":..,"bytes":[a,b],"text":..,"count":..,"read":..,
//! "weight":..,"credit":..,"contributions":[{"contributor":..,"occurrences":..,"credit":..}]}`
//! (`start`/`end`: token positions in the query, end exclusive; `bytes`: the span's byte
//! range in the query file; `text`: those bytes; `count`: occurrences in the corpus;
//! `read`: occurrences credited; `occurrences`: a contribution's number among them).
//! A query without a span of at least `min_span` tokens fails with
//! "no span of at least N tokens of the query occurs in the corpus".

use super::{
	build_file, SpanBuildOptions, SpanDocument, SpanError, SpanIndex, SPAN_FORMAT_VERSION,
	SPAN_MAGIC, SPAN_TOKENIZER_VERSION,
};
use crate::cli::{hex, Error, ScoreArgs, TrainArgs};
use std::{io::Read, path::Path};

/// Whether the file at `path` starts with the span index magic.
pub fn is_span_index(path: &Path) -> Result<bool, Error> {
	let mut f = std::fs::File::open(path).map_err(|e| Error::Io(path.to_path_buf(), e))?;
	let mut head = [0u8; 8];
	let mut got = 0;
	while got < 8 {
		match f.read(&mut head[got..]) {
			Ok(0) => break,
			Ok(n) => got += n,
			Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
			Err(e) => return Err(Error::Io(path.to_path_buf(), e)),
		}
	}
	Ok(got == 8 && head == SPAN_MAGIC)
}

/// Opens a span index; errors name the file.
pub fn open(path: &Path) -> Result<SpanIndex, Error> {
	SpanIndex::open(path).map_err(|e| match e {
		SpanError::Io(..) => Error::Span(e),
		e => Error::SpanIndex(path.to_path_buf(), e),
	})
}

/// `train --family span`.
pub fn train(a: &TrainArgs) -> Result<String, Error> {
	if a.project.is_some()
		|| a.method.is_some()
		|| a.per_example
		|| a.contributors.is_some()
		|| a.max_memory.is_some()
	{
		return Err(Error::Usage(
			"--project, --method, --per-example, --contributors and --max-memory are not for --family span"
				.into(),
		));
	}
	let mut texts = Vec::with_capacity(a.data.0.len());
	let mut ids = Vec::with_capacity(a.data.0.len());
	let mut names = Vec::with_capacity(a.data.0.len());
	for d in &a.data.0 {
		let text = std::fs::read(&d.path).map_err(|e| Error::Io(d.path.clone(), e))?;
		let id = match &d.contributor {
			Some(id) => id.clone(),
			None => d.path.file_name().and_then(|n| n.to_str()).map(str::to_string).ok_or_else(
				|| {
					Error::Usage(format!(
						"{}: the file name is not UTF-8 text; name its contribution with --contributor",
						d.path.display()
					))
				},
			)?,
		};
		texts.push(text);
		ids.push(id);
		names.push(d.path.display().to_string());
	}
	let docs: Vec<SpanDocument<'_>> = (0..texts.len())
		.map(|i| SpanDocument { contributor: &ids[i], name: &names[i], text: &texts[i] })
		.collect();
	let defaults = SpanBuildOptions::default();
	let opts = SpanBuildOptions {
		min_span: a.min_span.unwrap_or(defaults.min_span),
		max_occurrences: a.max_occurrences.unwrap_or(defaults.max_occurrences),
		shard_tokens: a.shard_tokens.unwrap_or(defaults.shard_tokens),
		progress: a.progress,
	};
	let report = build_file(&docs, &opts, &a.out)?;
	Ok(format!("{}\n", hex(&report.hash)))
}

fn num(v: f64) -> serde_json::Value {
	serde_json::Number::from_f64(v)
		.map(serde_json::Value::Number)
		.unwrap_or(serde_json::Value::Null)
}

/// `score` against a span index.
pub fn score(a: &ScoreArgs) -> Result<String, Error> {
	if a.per_example || !a.data.is_empty() || a.max_memory.is_some() {
		return Err(Error::Usage(
			"--per-example, --data and --max-memory are for gradient indexes (use --per-span)"
				.into(),
		));
	}
	let index = open(&a.index)?;
	let query = std::fs::read(&a.query).map_err(|e| Error::Io(a.query.clone(), e))?;
	let mut opts = index.query_options();
	if let Some(m) = a.min_span {
		opts.min_span = m;
	}
	if let Some(m) = a.max_occurrences {
		opts.max_occurrences = m;
	}
	let r = index.find_spans(&query, &opts)?;
	let g = r.scores.len();
	let top = a.top.unwrap_or(g);
	let mut order: Vec<usize> = (0..g).collect();
	order.sort_by(|&x, &y| r.scores[y].total_cmp(&r.scores[x]).then(x.cmp(&y)));
	order.truncate(top);
	let shares = r.shares(top);
	let share_of = |c: usize| -> f64 {
		shares.iter().find(|s| s.0 as usize == c).map(|s| s.1 as f64 / 1e9).unwrap_or(0.0)
	};
	let text_of = |sp: &super::SpanMatch| {
		String::from_utf8_lossy(&query[sp.bytes.0..sp.bytes.1]).into_owned()
	};
	if a.format == "text" {
		let mut s = String::new();
		for &c in &order {
			s.push_str(&format!("{}\t{:e}\t{}\n", index.contributor(c), r.scores[c], share_of(c)));
		}
		if a.per_span {
			for sp in &r.spans {
				let who: Vec<String> = sp
					.contributions
					.iter()
					.map(|&(c, n)| format!("{}×{n}", index.contributor(c as usize)))
					.collect();
				s.push_str(&format!(
					"span {}..{}\t{} tokens\t{} occurrences\t{}\t{:?}\n",
					sp.start,
					sp.start + sp.len,
					sp.len,
					sp.count,
					who.join(","),
					text_of(sp)
				));
			}
		}
		return Ok(s);
	}
	let contributions: Vec<serde_json::Value> = order
		.iter()
		.map(|&c| {
			serde_json::json!({"contributor": index.contributor(c), "score": num(r.scores[c]), "share": share_of(c)})
		})
		.collect();
	let mut obj = serde_json::Map::new();
	obj.insert("contributions".into(), contributions.into());
	if a.per_span {
		let spans: Vec<serde_json::Value> = r
			.spans
			.iter()
			.map(|sp| {
				let cs: Vec<serde_json::Value> = sp
					.contributions
					.iter()
					.map(|&(c, n)| {
						serde_json::json!({
							"contributor": index.contributor(c as usize),
							"occurrences": n,
							"credit": num(sp.credit * n as f64 / sp.read as f64),
						})
					})
					.collect();
				serde_json::json!({
					"start": sp.start,
					"end": sp.start + sp.len,
					"tokens": sp.len,
					"bytes": [sp.bytes.0, sp.bytes.1],
					"text": text_of(sp),
					"count": sp.count,
					"read": sp.read,
					"weight": num(sp.weight),
					"credit": num(sp.credit),
					"contributions": cs,
				})
			})
			.collect();
		obj.insert("spans".into(), spans.into());
	}
	Ok(format!("{}\n", serde_json::Value::Object(obj)))
}

/// `inspect` of a span index.
pub fn inspect(path: &Path) -> Result<String, Error> {
	let index = open(path)?;
	let (ua, ub, uc) = index.unicode_version();
	let shards: Vec<serde_json::Value> = (0..index.shards())
		.map(|s| {
			let (docs, len, w) = index.shard(s);
			serde_json::json!({"documents": docs, "stream_tokens": len, "suffix_width": w})
		})
		.collect();
	let bytes = index.bytes().len() as u64;
	let v = serde_json::json!({
		"hash": hex(&index.hash()),
		"family": "span",
		"format_version": SPAN_FORMAT_VERSION,
		"tokenizer_version": SPAN_TOKENIZER_VERSION,
		"unicode_version": format!("{ua}.{ub}.{uc}"),
		"min_span": index.min_span(),
		"max_occurrences": index.max_occurrences(),
		"contributions": index.contributions(),
		"contributors": (0..index.contributions()).map(|c| index.contributor(c)).collect::<Vec<_>>(),
		"documents": index.documents(),
		"tokens": index.tokens(),
		"vocabulary": index.vocabulary(),
		"token_width": index.token_width(),
		"shards": shards,
		"bytes": bytes,
		"bytes_per_token": bytes as f64 / index.tokens() as f64,
	});
	Ok(format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default()))
}
