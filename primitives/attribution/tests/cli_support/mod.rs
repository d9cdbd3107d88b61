//! Running the command-line binary from tests: a scratch directory, a run, a clean failure.
#![allow(dead_code)]

use std::{path::PathBuf, process::Command};

pub const BIN: &str = env!("CARGO_BIN_EXE_tributary-attribution");

pub struct Dir(pub PathBuf);
impl Dir {
	pub fn new(name: &str) -> Dir {
		let p = std::env::temp_dir().join(format!("tributary-attr-{name}-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&p);
		std::fs::create_dir_all(&p).unwrap();
		Dir(p)
	}
	pub fn file(&self, name: &str, content: &[u8]) -> String {
		let p = self.0.join(name);
		std::fs::write(&p, content).unwrap();
		p.display().to_string()
	}
	pub fn path(&self, name: &str) -> String {
		self.0.join(name).display().to_string()
	}
}
impl Drop for Dir {
	fn drop(&mut self) {
		let _ = std::fs::remove_dir_all(&self.0);
	}
}

pub fn run(args: &[&str]) -> (i32, String, String) {
	let out = Command::new(BIN).args(args).output().unwrap();
	(
		out.status.code().unwrap_or(-1),
		String::from_utf8_lossy(&out.stdout).into_owned(),
		String::from_utf8_lossy(&out.stderr).into_owned(),
	)
}

/// `train --data data --family softmax --out out` followed by `extra`.
pub fn train_softmax(data: &str, out: &str, extra: &[&str]) -> (i32, String, String) {
	let mut all = vec!["train", "--data", data, "--family", "softmax", "--out", out];
	all.extend_from_slice(extra);
	run(&all)
}

/// Runs and expects a clean failure whose message contains `needle`.
pub fn fails(args: &[&str], needle: &str) {
	let (code, _, err) = run(args);
	assert_ne!(code, 0, "{args:?} should fail");
	assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
	assert!(
		err.to_lowercase().contains(&needle.to_lowercase()),
		"{args:?}: `{err}` lacks `{needle}`"
	);
}

/// Trains the Wine softmax index (l2 0.01) with per-example vectors into `d`'s `m.idx`;
/// returns its path and what `train` printed (the index hash).
pub fn train_wine_per_example(d: &Dir, wine_csv: &str) -> (String, String) {
	let data = d.file("wine.csv", wine_csv.as_bytes());
	let idx = d.path("m.idx");
	let (code, out, err) = run(&[
		"train",
		"--data",
		&data,
		"--family",
		"softmax",
		"--l2",
		"0.01",
		"--out",
		&idx,
		"--per-example",
	]);
	assert_eq!(code, 0, "{err}");
	(idx, out)
}
