//! The command line, run as a binary: happy paths and every kind of bad input.

mod cli_support;
mod common;
mod eval_support;
use cli_support::*;
use common::*;

#[test]
fn train_score_inspect() {
	let d = Dir::new("ok");
	let (idx, out) = train_wine_per_example(&d, WINE);
	let data = d.path("wine.csv");
	let q = d.file("q.csv", &wine_query());
	let hash = out.trim();
	assert!(hash.starts_with("0x") && hash.len() == 66);
	let bytes = std::fs::read(&idx).unwrap();
	assert_eq!(tributary_attribution::cli::hex(&tributary_attribution::Index::hash(&bytes)), hash);
	let score_json = || {
		run(&[
			"score",
			"--index",
			&idx,
			"--query",
			&q,
			"--top",
			"3",
			"--format",
			"json",
			"--per-example",
		])
	};
	let (code, out, err) = score_json();
	assert_eq!(code, 0, "{err}");
	let v: serde_json::Value = serde_json::from_str(&out).unwrap();
	let cs = v["contributions"].as_array().unwrap();
	assert_eq!(cs.len(), 3);
	let total: f64 = cs.iter().map(|c| c["share"].as_f64().unwrap()).sum();
	assert!((total - 1.0).abs() < 1e-9);
	assert!(cs[0]["contributor"].as_str().unwrap().starts_with("1:"));
	let ex = v["examples"].as_array().unwrap();
	assert_eq!(ex.len(), 3);
	assert!(ex[0]["row"].as_u64().unwrap() < 178);
	// Same output bytes on a second run.
	let (_, out2, _) = score_json();
	assert_eq!(out, out2);
	// Per-example from --data when the index does not store vectors.
	let idx2 = d.path("m2.idx");
	let (code, _, _) =
		run(&["train", "--data", &data, "--family", "softmax", "--l2", "0.01", "--out", &idx2]);
	assert_eq!(code, 0);
	fails(&["score", "--index", &idx2, "--query", &q, "--per-example"], "per-example");
	let (code, out3, err) = run(&[
		"score",
		"--index",
		&idx2,
		"--query",
		&q,
		"--top",
		"3",
		"--per-example",
		"--data",
		&data,
	]);
	assert_eq!(code, 0, "{err}");
	assert_eq!(out3, out);
	let (code, out, _) = run(&["inspect", "--index", &idx]);
	assert_eq!(code, 0);
	assert!(out.contains("\"family\": \"softmax\"") && out.contains(hash));
	// `--project K` builds a subspace index (K ≤ p = 42); identical hash on rebuild.
	let idx3 = d.path("p.idx");
	let (_, h1, _) = train_softmax(&data, &idx3, &["--project", "32"]);
	let (code, out, _) = run(&["inspect", "--index", &idx3]);
	assert_eq!(code, 0);
	assert!(out.contains("\"method\": \"subspace\""), "{out}");
	let (code, _, err) = train_softmax(&data, &idx3, &["--project", "64"]);
	assert_eq!(code, 1);
	assert!(err.contains("--project 64 exceeds the gradient dimension 42"), "{err}");
	let proj = d.path("rp.idx");
	let (code, _, err) = train_softmax(&data, &proj, &["--method", "projected", "--project", "64"]);
	assert_eq!(code, 0, "{err}");
	let (_, out, _) = run(&["inspect", "--index", &proj]);
	assert!(out.contains("\"method\": \"projected\""), "{out}");
	let (code, _, err) = train_softmax(&data, &proj, &["--method", "exact", "--project", "8"]);
	assert_eq!(code, 1, "{err}");
	assert!(err.contains("--project needs --method subspace or projected"), "{err}");
	// `--method subspace` alone takes K = min(512, p) = 42 here.
	let (code, _, err) = train_softmax(&data, &proj, &["--method", "subspace"]);
	assert_eq!(code, 0, "{err}");
	let (_, out, _) = run(&["inspect", "--index", &proj]);
	assert!(out.contains("\"method\": \"subspace\"") && out.contains("\"k\": 42"), "{out}");
	let (_, h2, _) = train_softmax(&data, &idx3, &["--project", "32", "--threads", "1"]);
	assert_eq!(h1, h2);
}

#[test]
fn external_npy() {
	let d = Dir::new("npy");
	let s = eval_support::synthetic(tributary_attribution::Family::Logistic, 1, 50, 1, 6, 0.1, 1);
	let npy = tributary_attribution::data::write_npy_f64(50, 6, &s.x);
	let data = d.file("g.npy", &npy);
	let ids: String = (0..50).map(|i| format!("3:{}\n", i % 4)).collect();
	let ids = d.file("ids.txt", ids.as_bytes());
	let idx = d.path("e.idx");
	let (code, _, err) = run(&[
		"train",
		"--data",
		&data,
		"--family",
		"external",
		"--l2",
		"0.1",
		"--out",
		&idx,
		"--contributors",
		&ids,
	]);
	assert_eq!(code, 0, "{err}");
	let q = d.file("q.csv", b"g0,g1,g2,g3,g4,g5\n1,0,0,0,0,1\n");
	let (code, out, err) = run(&["score", "--index", &idx, "--query", &q]);
	assert_eq!(code, 0, "{err}");
	assert_eq!(
		serde_json::from_str::<serde_json::Value>(&out).unwrap()["contributions"]
			.as_array()
			.unwrap()
			.len(),
		4
	);
	fails(
		&[
			"train",
			"--data",
			&d.file("bad.npy", b"\x93NUMPY\x01\x00"),
			"--family",
			"external",
			"--out",
			&idx,
		],
		"npy",
	);
	fails(&["train", "--data", &data, "--family", "logistic", "--out", &idx], "external");
	let short = d.file("short.txt", b"3:1\n");
	fails(
		&[
			"train",
			"--data",
			&data,
			"--family",
			"external",
			"--out",
			&idx,
			"--contributors",
			&short,
		],
		"contributor ids",
	);
}

#[test]
fn bad_inputs_fail_cleanly() {
	let d = Dir::new("bad");
	let data = d.file("wine.csv", WINE.as_bytes());
	let idx = d.path("m.idx");
	let out = d.path("x.idx");
	assert_eq!(run(&["train", "--data", &data, "--family", "softmax", "--out", &idx]).0, 0);
	let q = d.file("q.csv", &wine_query());

	// Training data.
	fails(
		&["train", "--data", &d.file("e.csv", b""), "--family", "logistic", "--out", &out],
		"empty",
	);
	fails(
		&["train", "--data", &d.file("h.csv", b"label,a\n"), "--family", "logistic", "--out", &out],
		"empty",
	);
	fails(
		&[
			"train",
			"--data",
			&d.file("m1.csv", b"label,a,b\n1,2\n"),
			"--family",
			"logistic",
			"--out",
			&out,
		],
		"line 2 has 2 fields",
	);
	fails(
		&[
			"train",
			"--data",
			&d.file("m2.csv", b"label,a\n1,\"2\n"),
			"--family",
			"logistic",
			"--out",
			&out,
		],
		"malformed CSV",
	);
	fails(
		&[
			"train",
			"--data",
			&d.file("nan.csv", b"label,a\n1,NaN\n0,1\n"),
			"--family",
			"logistic",
			"--out",
			&out,
		],
		"NaN",
	);
	fails(
		&[
			"train",
			"--data",
			&d.file("inf.csv", b"label,a\n1,inf\n0,1\n"),
			"--family",
			"logistic",
			"--out",
			&out,
		],
		"infinite",
	);
	fails(
		&[
			"train",
			"--data",
			&d.file("txt.csv", b"label,a\n1,x\n"),
			"--family",
			"logistic",
			"--out",
			&out,
		],
		"not a number",
	);
	fails(
		&[
			"train",
			"--data",
			&d.file("nolabel.csv", b"a,b\n1,2\n"),
			"--family",
			"logistic",
			"--out",
			&out,
		],
		"missing column `label`",
	);
	fails(
		&[
			"train",
			"--data",
			&d.file("lab.csv", b"label,a\n2,1\n0,1\n"),
			"--family",
			"logistic",
			"--out",
			&out,
		],
		"label",
	);
	fails(
		&["train", "--data", &data, "--family", "poisson", "--out", &out],
		"unknown family `poisson`",
	);
	fails(&["train", "--data", &data, "--family", "softmax", "--l2", "0", "--out", &out], "l2");
	fails(
		&["train", "--data", &d.path("missing.csv"), "--family", "softmax", "--out", &out],
		"cannot read",
	);
	let a = d.file("a.csv", b"label,x,y\n1,1,2\n0,2,1\n");
	let b_extra = d.file("b.csv", b"label,x,y,z\n1,1,2,3\n");
	let b_missing = d.file("c.csv", b"label,x\n1,1\n");
	fails(
		&["train", "--data", &a, "--data", &b_extra, "--family", "logistic", "--out", &out],
		"extra column `z`",
	);
	fails(
		&["train", "--data", &a, "--data", &b_missing, "--family", "logistic", "--out", &out],
		"missing column `y`",
	);
	fails(
		&["train", "--data", &data, "--family", "softmax", "--out", &out, "--method", "magic"],
		"unknown method",
	);
	fails(
		&["train", "--data", &data, "--family", "softmax", "--out", &out, "--project", "0"],
		"--project",
	);
	fails(
		&["train", "--data", &data, "--family", "softmax", "--out", &out, "--project", "99999999"],
		"--project",
	);

	// Queries.
	let hdr_short = WINE_HEADER.rsplit_once(',').unwrap().0;
	let row_short = WINE_ROW.rsplit_once(',').unwrap().0;
	let cases: Vec<(Vec<u8>, &str)> = vec![
		(b"".to_vec(), "empty"),
		(format!("{WINE_HEADER}\n").into_bytes(), "no data row"),
		(format!("{hdr_short}\n{row_short}\n").into_bytes(), "missing feature column `proline`"),
		(format!("{WINE_HEADER},zzz\n{WINE_ROW},1\n").into_bytes(), "extra column"),
		(format!("{WINE_HEADER}\n{row_short}\n").into_bytes(), "malformed CSV"),
		(format!("{WINE_HEADER}\n{}\n", WINE_ROW.replacen("13.2", "nan", 1)).into_bytes(), "NaN"),
		(
			format!("{WINE_HEADER}\n{}\n", WINE_ROW.replacen("13.2", "-inf", 1)).into_bytes(),
			"infinite",
		),
		// Several rows are several queries; a bad one is named by its row and line.
		(
			format!("{WINE_HEADER}\n{WINE_ROW}\n{row_short}\n").into_bytes(),
			"query row 1 (line 3): malformed CSV",
		),
		(b"a,b\n1,2\n".to_vec(), "column `a`"),
	];
	for (i, (content, needle)) in cases.iter().enumerate() {
		let qf = d.file(&format!("q{i}.csv"), content);
		fails(&["score", "--index", &idx, "--query", &qf], needle);
	}
	// Dimension mismatch: an index of another model.
	let small = d.file("small.csv", b"label,x,y\n1,1,2\n0,2,1\n1,3,3\n");
	let small_idx = d.path("small.idx");
	assert_eq!(run(&["train", "--data", &small, "--family", "logistic", "--out", &small_idx]).0, 0);
	fails(&["score", "--index", &small_idx, "--query", &q], "extra column");
	let qxy = d.file("qxy.csv", b"x\n1\n");
	fails(&["score", "--index", &small_idx, "--query", &qxy], "missing feature column `y`");

	// Corrupt and truncated indexes.
	let bytes = std::fs::read(&idx).unwrap();
	let trunc = d.file("t.idx", &bytes[..bytes.len() / 2]);
	fails(&["score", "--index", &trunc, "--query", &q], "corrupt index");
	let mut flipped = bytes.clone();
	flipped[100] ^= 0x10;
	let flipped = d.file("f.idx", &flipped);
	fails(&["score", "--index", &flipped, "--query", &q], "checksum mismatch");
	fails(&["inspect", "--index", &d.file("g.idx", b"hello")], "corrupt index");
	fails(&["inspect", "--index", &d.file("z.idx", b"")], "truncated");
	fails(&["score", "--index", &idx, "--query", &q, "--format", "xml"], "format");
	fails(&["score", "--index", &idx, "--query", &d.path("nope.csv")], "nope.csv");
}

// ---- span indexes ----------------------------------------------------------------------

const PRIDE: &str = include_str!("../data/gutenberg/pride_and_prejudice.txt");
const FRANKENSTEIN: &str = include_str!("../data/gutenberg/frankenstein.txt");
const CASK: &str = include_str!("../data/gutenberg/the_cask_of_amontillado.txt");

#[test]
fn span_train_score_inspect() {
	let d = Dir::new("span");
	let a = d.file("pride_and_prejudice.txt", PRIDE.as_bytes());
	let b = d.file("frankenstein.txt", FRANKENSTEIN.as_bytes());
	let c = d.file("cask.txt", CASK.as_bytes());
	let q = d.file(
		"output.txt",
		b"The model answered: it is a truth universally acknowledged, that a single man in \
possession of a good fortune, must be in want of a wife. And then: I am already far north of \
London, and as I walk in the streets of Petersburgh, I feel a cold northern breeze. Fin.",
	);
	let idx = d.path("text.idx");
	let train = |out: &str| {
		run(&[
			"train",
			"--family",
			"span",
			"--data",
			&a,
			"--data",
			&b,
			"--contributor",
			"7:1",
			"--data",
			&c,
			"--out",
			out,
			"--shard-tokens",
			"15000",
		])
	};
	let (code, out, err) = train(&idx);
	assert_eq!(code, 0, "{err}");
	let hash = out.trim().to_string();
	let bytes = std::fs::read(&idx).unwrap();
	assert_eq!(tributary_attribution::cli::hex(&sp_crypto_hashing::blake2_256(&bytes)), hash);
	// Rebuilt: the same bytes.
	let idx2 = d.path("text2.idx");
	let (_, out2, _) = train(&idx2);
	assert_eq!(out2, out);
	assert_eq!(std::fs::read(&idx2).unwrap(), bytes);

	let (code, out, err) = run(&["inspect", "--index", &idx]);
	assert_eq!(code, 0, "{err}");
	let v: serde_json::Value = serde_json::from_str(&out).unwrap();
	assert_eq!(v["family"], "span");
	assert_eq!(v["hash"], hash.as_str());
	assert_eq!(v["min_span"], 8);
	assert_eq!(
		v["contributors"],
		serde_json::json!(["pride_and_prejudice.txt", "7:1", "cask.txt"])
	);
	assert!(v["shards"].as_array().unwrap().len() >= 2);

	let (code, out, err) =
		run(&["score", "--index", &idx, "--query", &q, "--per-span", "--format", "json"]);
	assert_eq!(code, 0, "{err}");
	let v: serde_json::Value = serde_json::from_str(&out).unwrap();
	let cs = v["contributions"].as_array().unwrap();
	assert_eq!(cs.len(), 3);
	let named: Vec<(&str, f64)> = cs
		.iter()
		.map(|c| (c["contributor"].as_str().unwrap(), c["share"].as_f64().unwrap()))
		.collect();
	assert_eq!(named[2], ("cask.txt", 0.0));
	let total: f64 = named.iter().map(|c| c.1).sum();
	assert!((total - 1.0).abs() < 1e-9 && named[0].1 > 0.0 && named[1].1 > 0.0);
	let spans = v["spans"].as_array().unwrap();
	assert_eq!(spans.len(), 2);
	assert!(spans[0]["text"].as_str().unwrap().starts_with("is a truth universally acknowledged"));
	assert_eq!(spans[0]["contributions"][0]["contributor"], "pride_and_prejudice.txt");
	assert_eq!(spans[1]["contributions"][0]["contributor"], "7:1");
	assert_eq!(spans[1]["count"], 1);
	// The library gives the same shares (what an attestor computes).
	let index = tributary_attribution::span::SpanIndex::open(std::path::Path::new(&idx)).unwrap();
	let lib = index.attribute(&std::fs::read(&q).unwrap(), usize::MAX).unwrap();
	for (ci, ppb) in lib {
		let name = index.contributor(ci as usize);
		let s = named.iter().find(|c| c.0 == name).unwrap().1;
		assert_eq!(s, ppb as f64 / 1e9);
	}
	// Text format, --top, a larger --min-span that nothing reaches.
	let (code, out, _) = run(&[
		"score",
		"--index",
		&idx,
		"--query",
		&q,
		"--format",
		"text",
		"--top",
		"1",
		"--per-span",
	]);
	assert_eq!(code, 0);
	assert!(out.lines().next().unwrap().ends_with("\t1"), "{out}");
	assert!(out.contains("span ") && out.contains("7:1×1"), "{out}");
	fails(
		&["score", "--index", &idx, "--query", &q, "--min-span", "40"],
		"no span of at least 40 tokens",
	);
}

#[test]
fn span_bad_inputs_fail_cleanly() {
	let d = Dir::new("span-bad");
	let a = d.file("a.txt", b"one two three four five six seven eight nine ten");
	let empty = d.file("empty.txt", b" \n\t ");
	let bad = d.file("bad.txt", b"valid text then \xff\xfe garbage");
	let idx = d.path("t.idx");
	fails(&["train", "--family", "span", "--data", &empty, "--out", &idx], "empty corpus");
	fails(
		&["train", "--family", "span", "--data", &a, "--data", &bad, "--out", &idx],
		"invalid UTF-8 at byte 16",
	);
	fails(
		&["train", "--family", "span", "--data", &a, "--out", &idx, "--min-span", "0"],
		"min_span",
	);
	fails(
		&["train", "--family", "span", "--data", &d.path("missing.txt"), "--out", &idx],
		"missing.txt",
	);
	fails(
		&["train", "--family", "span", "--data", &a, "--project", "8", "--out", &idx],
		"not for --family span",
	);
	// --contributor must follow a --data, once.
	let (code, _, err) =
		run(&["train", "--family", "span", "--contributor", "1:0", "--data", &a, "--out", &idx]);
	assert_eq!(code, 2, "{err}");
	assert!(err.contains("must follow"), "{err}");
	let (code, _, err) = run(&[
		"train",
		"--family",
		"span",
		"--data",
		&a,
		"--contributor",
		"1:0",
		"--contributor",
		"1:1",
		"--out",
		&idx,
	]);
	assert_eq!(code, 2, "{err}");
	// Span options on gradient families, --contributor on CSV.
	let csv = d.file("w.csv", WINE.as_bytes());
	fails(
		&["train", "--data", &csv, "--contributor", "1:0", "--family", "softmax", "--out", &idx],
		"--family span",
	);
	fails(
		&["train", "--data", &csv, "--min-span", "3", "--family", "softmax", "--out", &idx],
		"--family span",
	);

	let (code, _, err) = run(&["train", "--family", "span", "--data", &a, "--out", &idx]);
	assert_eq!(code, 0, "{err}");
	let zero = d.file("zero.txt", b"");
	let blank = d.file("blank.txt", b"   \n");
	let q_bad = d.file("qbad.txt", b"one two \xc3");
	let q = d.file("q.txt", b"one two three four five six seven eight nine");
	fails(&["score", "--index", &idx, "--query", &zero], "empty query");
	fails(&["score", "--index", &idx, "--query", &blank], "empty query");
	fails(&["score", "--index", &idx, "--query", &q_bad], "query: invalid UTF-8 at byte 8");
	fails(
		&["score", "--index", &idx, "--query", &q, "--min-span", "0"],
		"min_span must be at least 1",
	);
	fails(&["score", "--index", &idx, "--query", &q, "--max-occurrences", "0"], "max_occurrences");
	fails(&["score", "--index", &idx, "--query", &q, "--per-example"], "--per-span");
	let (code, _, err) = run(&["score", "--index", &idx, "--query", &q]);
	assert_eq!(code, 0, "{err}");
	// Corrupt and truncated index files.
	let good = std::fs::read(&idx).unwrap();
	let mut b = good.clone();
	let n = b.len();
	b[n - 40] ^= 1;
	let corrupt = d.file("corrupt.idx", &b);
	fails(&["score", "--index", &corrupt, "--query", &q], "checksum mismatch");
	fails(&["inspect", "--index", &corrupt], "checksum mismatch");
	let trunc = d.file("trunc.idx", &good[..good.len() - 10]);
	fails(&["score", "--index", &trunc, "--query", &q], "truncated");
	let short = d.file("short.idx", &good[..50]);
	fails(&["score", "--index", &short, "--query", &q], "truncated");
	// Gradient options against a span index and span options against a gradient index.
	let gidx = d.path("g.idx");
	let (code, _, _) = run(&["train", "--data", &csv, "--family", "softmax", "--out", &gidx]);
	assert_eq!(code, 0);
	let gq = d.file("gq.csv", &wine_query());
	fails(&["score", "--index", &gidx, "--query", &gq, "--per-span"], "span indexes");
}

/// The two reported aborts (a softmax label of 99999, a CSV of 20 000 columns) and a small
/// `--max-memory`: exit 1 with a message naming the problem, never an allocation abort.
#[test]
fn oversized_builds_fail_cleanly() {
	let d = Dir::new("oversized");
	let idx = d.path("m.idx");
	let soft = d.file("soft.csv", b"label,a,b,c\n0,1,2,3\n1,2,3,1\n99999,0.5,0.1,0.2\n2,1,1,1\n");
	let mut wide = String::from("label");
	for j in 0..20_000 {
		wide.push_str(&format!(",f{j}"));
	}
	wide.push('\n');
	for i in 0..5 {
		wide.push_str(&format!("{}", i % 2));
		for j in 0..20_000 {
			wide.push_str(&format!(",{}", (i * 7 + j) % 10));
		}
		wide.push('\n');
	}
	let wide = d.file("wide.csv", wide.as_bytes());
	let data = d.file("wine.csv", WINE.as_bytes());
	let cases: [(&[&str], &str); 4] = [
		(&["--data", &soft, "--family", "softmax"], "softmax with 100000 classes and 3 features"),
		(&["--data", &wide, "--family", "logistic"], "logistic with 20000 features"),
		(
			&["--data", &wide, "--family", "logistic", "--method", "cg"],
			"above the limit of 4.0 GiB",
		),
		(
			&["--data", &data, "--family", "softmax", "--max-memory", "1KiB"],
			"above the limit of 1.0 KiB",
		),
	];
	for (args, needle) in cases {
		let mut all = vec!["train", "--out", &idx];
		all.extend_from_slice(args);
		let (code, out, err) = run(&all);
		assert_eq!(code, 1, "{all:?}: {err}");
		assert!(out.is_empty() && err.starts_with("error: "), "{all:?}: {err}");
		assert!(
			err.contains(needle) && err.contains("memory"),
			"{all:?}: `{err}` lacks `{needle}`"
		);
		assert!(!err.contains("memory allocation") && !err.contains("panicked"), "{err}");
		assert!(!std::path::Path::new(&idx).exists());
	}
	let (code, _, err) = run(&[
		"train",
		"--out",
		&idx,
		"--data",
		&data,
		"--family",
		"softmax",
		"--max-memory",
		"lots",
	]);
	assert_eq!(code, 2, "{err}");
	assert!(err.contains("not a size"), "{err}");
	let (code, _, err) = run(&[
		"train",
		"--out",
		&idx,
		"--data",
		&data,
		"--family",
		"softmax",
		"--max-memory",
		"64MiB",
	]);
	assert_eq!(code, 0, "{err}");
}
