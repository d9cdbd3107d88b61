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
