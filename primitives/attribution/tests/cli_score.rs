//! `score` on the command line: query files of many rows, per-example listings, a closed
//! stdout.

mod cli_support;
mod common;
use cli_support::*;
use common::*;
use std::{
	io::{BufRead, BufReader},
	process::{Command, Stdio},
};

/// Trains the Wine softmax index with per-example vectors into `d`.
fn wine_index_file(d: &Dir) -> String {
	train_wine_per_example(d, WINE).0
}

/// Wine's lines without the `label` column (field 1).
fn unlabelled(text: &str) -> String {
	text.lines()
		.map(|l| {
			let mut f: Vec<&str> = l.split(',').collect();
			f.remove(1);
			f.join(",") + "\n"
		})
		.collect()
}

/// Each row of a many-row query file gives exactly the output of a file holding only that
/// row, in both formats, with and without labels and per-example scores.
#[test]
fn many_rows_score_as_single_rows() {
	let d = Dir::new("rows");
	let idx = wine_index_file(&d);
	let labelled = WINE.to_string();
	for (name, text) in [("labelled", labelled), ("unlabelled", unlabelled(WINE))] {
		let lines: Vec<&str> = text.lines().collect();
		let all = d.file(&format!("{name}.csv"), text.as_bytes());
		for extra in
			[&["--format", "json", "--per-example"][..], &["--format", "text", "--top", "3"]]
		{
			let mut args = vec!["score", "--index", &idx, "--query", &all];
			args.extend_from_slice(extra);
			let (code, out, err) = run(&args);
			assert_eq!(code, 0, "{err}");
			let results: Vec<String> = if extra[1] == "json" {
				out.lines().map(|l| format!("{l}\n")).collect()
			} else {
				out.split("\n\n")
					.map(|b| if b.ends_with('\n') { b.into() } else { format!("{b}\n") })
					.collect()
			};
			assert_eq!(results.len(), lines.len() - 1, "{name} {extra:?}");
			let mut distinct = std::collections::HashSet::new();
			for row in (0..lines.len() - 1).step_by(11).chain([lines.len() - 2]) {
				let one =
					d.file("one.csv", format!("{}\n{}\n", lines[0], lines[row + 1]).as_bytes());
				let mut args = vec!["score", "--index", &idx, "--query", &one];
				args.extend_from_slice(extra);
				let (code, single, err) = run(&args);
				assert_eq!(code, 0, "{err}");
				assert_eq!(results[row], single, "{name} {extra:?} row {row}");
				distinct.insert(single);
			}
			assert!(distinct.len() > 10, "rows should differ");
		}
	}
}

#[test]
fn a_bad_row_fails_before_any_output() {
	let d = Dir::new("badrow");
	let idx = wine_index_file(&d);
	let q =
		format!("{WINE_HEADER}\n{WINE_ROW}\n{}\n{WINE_ROW}\n", WINE_ROW.replacen("13.2", "abc", 1));
	let q = d.file("q.csv", q.as_bytes());
	let (code, out, err) = run(&["score", "--index", &idx, "--query", &q]);
	assert_eq!(code, 1, "{err}");
	assert!(out.is_empty(), "{out}");
	assert!(err.contains("query row 1 (line 3)") && err.contains("`abc` is not a number"), "{err}");
	// One bad row alone keeps the single-query message.
	let one = d.file(
		"one.csv",
		format!("{WINE_HEADER}\n{}\n", WINE_ROW.replacen("13.2", "abc", 1)).as_bytes(),
	);
	fails(
		&["score", "--index", &idx, "--query", &one],
		"query column `alcohol`: `abc` is not a number",
	);
	let (_, _, err) = run(&["score", "--index", &idx, "--query", &one]);
	assert!(!err.contains("query row"), "{err}");
}

#[test]
fn per_example_lists_every_example_unless_top() {
	let d = Dir::new("perex");
	let idx = wine_index_file(&d);
	let q = d.file("q.csv", &wine_query());
	let count = |extra: &[&str]| {
		let mut args = vec!["score", "--index", &idx, "--query", &q, "--per-example"];
		args.extend_from_slice(extra);
		let (code, out, err) = run(&args);
		assert_eq!(code, 0, "{err}");
		let v: serde_json::Value = serde_json::from_str(&out).unwrap();
		(v["contributions"].as_array().unwrap().len(), v["examples"].as_array().unwrap().len())
	};
	let rows = WINE.lines().count() - 1;
	let contributors = WINE
		.lines()
		.skip(1)
		.map(|l| l.split(',').next().unwrap())
		.collect::<std::collections::HashSet<_>>()
		.len();
	assert_eq!(count(&[]), (contributors, rows));
	assert_eq!(count(&["--top", "3"]), (3, 3));
	assert_eq!(count(&["--top", "100000"]), (contributors, rows));
}

/// `score ... | head -1`: the reader goes away after one line; the engine stops quietly.
#[test]
fn a_closed_stdout_ends_quietly() {
	let d = Dir::new("pipe");
	let idx = wine_index_file(&d);
	let q = d.file("q.csv", WINE.as_bytes());
	let mut child = Command::new(BIN)
		.args(["score", "--index", &idx, "--query", &q, "--per-example"])
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.unwrap();
	let mut first = String::new();
	BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
	assert!(first.starts_with("{\"contributions\""), "{first}");
	// The reader (and the pipe's read end) is dropped here; ~2.7 MB remain to be written.
	let out = child.wait_with_output().unwrap();
	let err = String::from_utf8_lossy(&out.stderr);
	assert_eq!(out.status.code(), Some(0), "{err}");
	assert!(err.is_empty(), "{err}");
}

/// Recomputing per-example vectors from `--data` obeys `--max-memory` like `train`.
#[test]
fn recomputed_examples_obey_the_memory_bound() {
	let d = Dir::new("recompute");
	let data = d.file("wine.csv", WINE.as_bytes());
	let q = d.file("q.csv", &wine_query());
	let idx = d.path("m.idx");
	let (code, _, err) = run(&["train", "--data", &data, "--family", "softmax", "--out", &idx]);
	assert_eq!(code, 0, "{err}");
	let score = |mem: &str| {
		run(&[
			"score",
			"--index",
			&idx,
			"--query",
			&q,
			"--per-example",
			"--data",
			&data,
			"--max-memory",
			mem,
		])
	};
	let (code, out, err) = score("1KiB");
	assert_eq!(code, 1, "{err}");
	assert!(out.is_empty() && err.contains("above the limit of 1.0 KiB"), "{err}");
	let (code, out, err) = score("64MiB");
	assert_eq!(code, 0, "{err}");
	let v: serde_json::Value = serde_json::from_str(&out).unwrap();
	assert_eq!(v["examples"].as_array().unwrap().len(), WINE.lines().count() - 1);
}
