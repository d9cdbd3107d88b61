//! `verify`, run as a binary: an index rebuilt from its own data matches bit for bit; other
//! data, a corrupted file and bad arguments fail with a message.

mod cli_support;
mod common;
mod eval_support;
use cli_support::*;
use common::*;

fn verify(args: &[&str]) -> (i32, String, String) {
	let mut all = vec!["verify"];
	all.extend_from_slice(args);
	run(&all)
}

#[test]
fn verifies_a_fresh_index_and_rejects_other_data() {
	let d = Dir::new("verify");
	let (idx, out) = train_wine_per_example(&d, WINE);
	let data = d.path("wine.csv");
	let hash = out.trim().to_string();
	for threads in ["1", "3"] {
		let (code, out, err) = verify(&["--index", &idx, "--data", &data, "--threads", threads]);
		assert_eq!(code, 0, "{err}");
		assert_eq!(out.trim(), format!("verified {hash}"));
	}
	// The same rows with one feature value changed: θ and every vector move.
	let changed = WINE.replacen("14.23,1.71", "14.24,1.71", 1);
	assert_ne!(changed, WINE);
	let other = d.file("other.csv", changed.as_bytes());
	let (code, out, err) = verify(&["--index", &idx, "--data", &other]);
	assert_eq!(code, 1, "{out}{err}");
	assert!(!err.contains("panicked"), "{err}");
	for needle in ["does not match", "θ", "contribution vectors", "per-example vectors", &hash] {
		assert!(err.contains(needle), "`{err}` lacks `{needle}`");
	}
	assert_eq!(err.matches("0x").count(), 2, "both hashes: {err}");
	// Fewer rows: the training set size and contributors are named too.
	let fewer: String = WINE.lines().take(100).map(|l| format!("{l}\n")).collect();
	let fewer = d.file("fewer.csv", fewer.as_bytes());
	let (code, _, err) = verify(&["--index", &idx, "--data", &fewer]);
	assert_eq!(code, 1, "{err}");
	assert!(err.contains("training rows (178 vs 99)"), "{err}");
}

#[test]
fn verifies_subspace_projected_and_external_indexes() {
	let d = Dir::new("verify-kinds");
	let data = d.file("wine.csv", WINE.as_bytes());
	let idx = d.path("p.idx");
	let (code, out, err) = train_softmax(&data, &idx, &["--project", "16", "--seed", "7"]);
	assert_eq!(code, 0, "{err}");
	let (code, got, err) = verify(&["--index", &idx, "--data", &data]);
	assert_eq!(code, 0, "{err}");
	assert_eq!(got.trim(), format!("verified {}", out.trim()));
	let (_, info, _) = run(&["inspect", "--index", &idx]);
	assert!(info.contains("\"method\": \"subspace\""), "{info}");
	let (code, out, err) =
		train_softmax(&data, &idx, &["--method", "projected", "--project", "16"]);
	assert_eq!(code, 0, "{err}");
	let (code, got, err) = verify(&["--index", &idx, "--data", &data]);
	assert_eq!(code, 0, "{err}");
	assert_eq!(got.trim(), format!("verified {}", out.trim()));

	let s = eval_support::synthetic(tributary_attribution::Family::Logistic, 1, 60, 1, 5, 0.1, 3);
	let npy = d.file("g.npy", &tributary_attribution::data::write_npy_f64(60, 5, &s.x));
	let ids: String = (0..60).map(|i| format!("3:{}\n", i % 4)).collect();
	let ids = d.file("ids.txt", ids.as_bytes());
	let idx = d.path("e.idx");
	let (code, out, err) = run(&[
		"train",
		"--data",
		&npy,
		"--family",
		"external",
		"--method",
		"cg",
		"--out",
		&idx,
		"--contributors",
		&ids,
	]);
	assert_eq!(code, 0, "{err}");
	let (code, got, err) = verify(&["--index", &idx, "--data", &npy, "--contributors", &ids]);
	assert_eq!(code, 0, "{err}");
	assert_eq!(got.trim(), format!("verified {}", out.trim()));
	// Without the ids file all rows are one contribution.
	let (code, _, err) = verify(&["--index", &idx, "--data", &npy]);
	assert_eq!(code, 1, "{err}");
	assert!(err.contains("contributors (4 vs 1)"), "{err}");
}

#[test]
fn corrupted_files_and_bad_arguments_fail_cleanly() {
	let d = Dir::new("verify-bad");
	let (idx, _) = train_wine_per_example(&d, WINE);
	let data = d.path("wine.csv");
	let mut bytes = std::fs::read(&idx).unwrap();
	let mid = bytes.len() / 2;
	bytes[mid] ^= 1;
	let bad = d.file("bad.idx", &bytes);
	let (code, _, err) = verify(&["--index", &bad, "--data", &data]);
	assert_eq!(code, 1, "{err}");
	assert!(err.contains("bad.idx") && err.to_lowercase().contains("checksum"), "{err}");
	fails(&["verify", "--index", &idx], "--data");
	fails(&["verify", "--data", &data], "--index");
	fails(&["verify", "--index", &d.path("missing.idx"), "--data", &data], "missing.idx");
	fails(&["verify", "--index", &idx, "--data", &d.path("none.csv")], "none.csv");
	fails(&["verify", "--index", &idx, "--data", &data, "--threads", "100000"], "above");
	fails(&["verify", "--index", &idx, "--data", &data, "--max-memory", "1KiB"], "memory");
	let text = d.file("a.txt", b"the quick brown fox jumps over the lazy dog again and again\n");
	let span = d.path("s.idx");
	let (code, _, err) = run(&["train", "--family", "span", "--data", &text, "--out", &span]);
	assert_eq!(code, 0, "{err}");
	fails(&["verify", "--index", &span, "--data", &text], "gradient indexes");
}
