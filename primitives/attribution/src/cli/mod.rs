//! The command line: `tributary attribution {train, score, inspect, verify, serve}`.
//!
//! Mount it in another clap binary as a subcommand:
//!
//! ```ignore
//! #[derive(clap::Subcommand)]
//! enum Subcommand {
//!     /// Influence-based attribution: train, score, inspect.
//!     #[command(subcommand)]
//!     Attribution(tributary_attribution::cli::AttributionCmd),
//! }
//! // ...
//! Some(Subcommand::Attribution(cmd)) => tributary_attribution::cli::run(cmd)?,
//! ```
//!
//! ```text
//! train --data train.csv [--data more.csv ...] --family logistic --l2 0.01 --out model.idx
//!       [--project 512] [--method exact|cg|projected|grad-dot] [--seed S] [--per-example]
//!       [--contributors ids.txt] [--progress] [--threads T] [--max-memory 4GiB]
//! train --family span --data a.txt [--contributor ID] [--data b.txt ...] --out text.idx
//!       [--min-span 8] [--max-occurrences 1000] [--shard-tokens N] [--progress]
//! score --index model.idx --query queries.csv [--per-example [--data train.csv ...]] [--top 10]
//!       [--format json|text] [--max-memory 4GiB]
//! score --index text.idx --query output.txt [--per-span] [--top 10] [--min-span N]
//!       [--max-occurrences N] [--format json|text]
//! inspect --index model.idx
//! verify --index model.idx --data train.csv [--data more.csv ...] [--contributors ids.txt]
//!        [--threads T] [--max-memory 4GiB]
//! serve --index text.idx [--index more.idx ...] [--listen 127.0.0.1:7070]
//!       [--max-query-bytes 65536]
//! ```
//!
//! `score` and `inspect` tell a span index from a gradient index by its magic. Span
//! indexes: [`crate::span`] and [`crate::span::cli`] (file names, output fields).
//!
//! `train` prints the index's blake2-256 hash (`0x…`) on stdout. `verify` rebuilds a
//! gradient index from the same data with the options the index records (family, method,
//! l2, projection, per-example vectors) and compares bytes: `verified 0x…` on success, else
//! an error naming what differs (θ, contribution vectors, …) with both hashes. Builds are
//! deterministic across CPUs and thread counts ([`crate::linalg`]), so anyone holding the
//! data can check a registered index hash. `--project K` selects
//! the projected method with `k = K`. `.npy` data (family `external`) takes one
//! `--data grads.npy` and optionally `--contributors` (one id per row).
//!
//! `score --per-example` uses the per-example vectors stored by `train --per-example`; if
//! the index has none, pass the training files again with `--data` and they are
//! recomputed at the index's θ* (same files, same order; checked against the index's
//! contributors and training set size).
//!
//! JSON output: `{"contributions":[{"contributor":..,"score":..,"share":..}],
//! "examples":[{"row":..,"contributor":..,"score":..}]}` — contributions sorted by score
//! (descending, ties by index), at most `--top` of them (default: all); `share` is the
//! contribution's payout fraction, `parts_per_billion / 10⁹` exactly as the chain's
//! `Perbill` (positive scores among the listed ones only; 0 otherwise). `examples` only
//! with `--per-example`, also sorted, all of them unless `--top` is given; rows are
//! 0-based in file order across all `--data` files.
//!
//! A query file with several rows is scored row by row, each exactly as a one-row file
//! ([`rows`]): one JSON object per line, or text blocks separated by an empty line
//! (`cli/score.rs`). A bad row fails the run before anything is written, naming the row.
//!
//! Output goes to stdout as it is produced; a closed stdout (`... | head -1`) ends the run
//! quietly with success ([`run`]).

mod args;
pub mod rows;
mod score;
mod train;
mod verify;

pub use train::{cg_note, cg_warning};

pub use args::{DataFile, DataFiles, InspectArgs, ScoreArgs, TrainArgs, VerifyArgs};

use crate::span::SpanError;
use crate::{
	build::BuildError,
	data::{DataError, Dataset},
	family::Family,
	index::{DecodeError, Index, ScoreError},
};
use clap::Subcommand;
use std::{
	fmt,
	io::{self, Write},
	path::PathBuf,
};

/// `tributary attribution ...` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum AttributionCmd {
	/// Train a model on CSV (or .npy gradient) data and write its attribution index.
	Train(TrainArgs),
	/// Score a query against an index: contributions (and examples) with their shares.
	Score(ScoreArgs),
	/// Describe an index file.
	Inspect(InspectArgs),
	/// Rebuild a gradient index from its training data and check that the bytes match.
	Verify(VerifyArgs),
	/// Serve span indexes to this machine's attestor node (loopback HTTP).
	Serve(crate::span::serve::ServeArgs),
}

/// A command-line failure; its message names the problem.
#[derive(Debug)]
pub enum Error {
	/// Bad input data.
	Data(DataError),
	/// Building failed.
	Build(BuildError),
	/// The index could not be decoded.
	Decode(PathBuf, DecodeError),
	/// The query could not be scored.
	Score(ScoreError),
	/// File system error.
	Io(PathBuf, std::io::Error),
	/// Bad argument.
	Usage(String),
	/// Building or querying a span index failed.
	Span(SpanError),
	/// A span index file could not be read (its path, why).
	SpanIndex(PathBuf, SpanError),
	/// A row of a multi-row query file could not be scored: its 0-based data row, its
	/// 1-based line in the file, why.
	QueryRow {
		/// 0-based data row.
		row: usize,
		/// 1-based line of the file.
		line: usize,
		/// Why.
		error: ScoreError,
	},
	/// The output could not be written (other than a closed pipe, which [`run`] ends
	/// quietly).
	Output(io::Error),
	/// `verify`: the rebuilt index differs (what differs, both hashes).
	Mismatch(String),
}

impl fmt::Display for Error {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Error::Data(e) => write!(f, "{e}"),
			Error::Build(e) => write!(f, "{e}"),
			Error::Decode(p, e) => write!(f, "{}: {e}", p.display()),
			Error::Score(e) => write!(f, "{e}"),
			Error::Io(p, e) => write!(f, "{}: {e}", p.display()),
			Error::Usage(s) => f.write_str(s),
			Error::Span(e) => write!(f, "{e}"),
			Error::SpanIndex(p, e) => write!(f, "{}: {e}", p.display()),
			Error::QueryRow { row, line, error } => {
				write!(f, "query row {row} (line {line}): {error}")
			}
			Error::Output(e) => write!(f, "cannot write the output: {e}"),
			Error::Mismatch(s) => f.write_str(s),
		}
	}
}

impl std::error::Error for Error {}

impl From<DataError> for Error {
	fn from(e: DataError) -> Self {
		Error::Data(e)
	}
}
impl From<BuildError> for Error {
	fn from(e: BuildError) -> Self {
		Error::Build(e)
	}
}
impl From<SpanError> for Error {
	fn from(e: SpanError) -> Self {
		Error::Span(e)
	}
}
impl From<ScoreError> for Error {
	fn from(e: ScoreError) -> Self {
		Error::Score(e)
	}
}

/// `0x`-prefixed lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
	let mut s = String::with_capacity(2 + 2 * bytes.len());
	s.push_str("0x");
	for b in bytes {
		s.push_str(&format!("{b:02x}"));
	}
	s
}

/// Largest `--threads`.
pub const MAX_THREADS: usize = 256;

/// Runs a subcommand, writing its result to stdout as it is produced. A closed stdout
/// (`BrokenPipe`, e.g. `... | head -1`) ends the run quietly with `Ok(())`.
pub fn run(cmd: AttributionCmd) -> Result<(), Error> {
	let stdout = io::stdout();
	let mut out = io::BufWriter::new(stdout.lock());
	let done = run_to(cmd, &mut out).and_then(|()| out.flush().map_err(Error::Output));
	match done {
		Err(Error::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
		other => other,
	}
}

/// Runs a subcommand and returns what it would print.
pub fn run_to_string(cmd: AttributionCmd) -> Result<String, Error> {
	let mut out = Vec::new();
	run_to(cmd, &mut out)?;
	String::from_utf8(out)
		.map_err(|_| Error::Output(io::Error::new(io::ErrorKind::InvalidData, "not UTF-8")))
}

/// Runs a subcommand, writing what it prints to `out`.
pub fn run_to(cmd: AttributionCmd, out: &mut dyn Write) -> Result<(), Error> {
	let text = match cmd {
		AttributionCmd::Train(a) => {
			let threads = a.threads;
			in_pool(threads, || train::train(a))?
		}
		AttributionCmd::Verify(a) => in_pool(a.threads, || verify::verify(&a))?,
		AttributionCmd::Score(a) => {
			check_format(&a.format)?;
			if crate::span::cli::is_span_index(&a.index)? {
				crate::span::cli::score(&a)?
			} else {
				if a.per_span || a.min_span.is_some() || a.max_occurrences.is_some() {
					return Err(Error::Usage(
						"--per-span, --min-span and --max-occurrences are for span indexes".into(),
					));
				}
				return score::score(&a, out);
			}
		}
		AttributionCmd::Inspect(a) => inspect(a)?,
		AttributionCmd::Serve(a) => {
			crate::span::serve::serve(&a)?;
			String::new()
		}
	};
	out.write_all(text.as_bytes()).map_err(Error::Output)
}

/// Runs `f` in a pool of `threads` workers (`None`: rayon's default pool).
fn in_pool(
	threads: Option<usize>,
	f: impl FnOnce() -> Result<String, Error> + Send,
) -> Result<String, Error> {
	match threads {
		Some(t) if t > MAX_THREADS => {
			Err(Error::Usage(format!("--threads {t} is above {MAX_THREADS}")))
		}
		Some(t) => rayon::ThreadPoolBuilder::new()
			.num_threads(t.max(1))
			.build()
			.map_err(|e| Error::Usage(format!("cannot start {t} threads: {e}")))?
			.install(f),
		None => f(),
	}
}

fn check_format(format: &str) -> Result<(), Error> {
	if format != "json" && format != "text" {
		return Err(Error::Usage(format!("unknown --format `{format}` (expected json or text)")));
	}
	Ok(())
}

/// Loads training data: CSV files, or one `.npy` for family `external`.
pub(crate) fn load_data(
	paths: &[PathBuf],
	family: Family,
	contributors: Option<&PathBuf>,
) -> Result<Dataset, Error> {
	let npy = paths.iter().any(|p| p.extension().is_some_and(|e| e == "npy"));
	if family == Family::External || npy {
		if family != Family::External {
			return Err(Error::Usage(format!(
				".npy data holds per-example gradients: use --family external (got `{family}`)"
			)));
		}
		if paths.len() != 1 || !npy {
			return Err(Error::Usage("family `external` takes exactly one --data file.npy".into()));
		}
		return Ok(Dataset::from_npy(&paths[0], contributors.map(|p| p.as_path()))?);
	}
	Ok(Dataset::from_csv_files(paths, true)?)
}

/// Reads and decodes an index file.
pub fn read_index(path: &PathBuf) -> Result<(Index, [u8; 32]), Error> {
	let bytes = std::fs::read(path).map_err(|e| Error::Io(path.clone(), e))?;
	let index = Index::decode(&bytes).map_err(|e| Error::Decode(path.clone(), e))?;
	Ok((index, Index::hash(&bytes)))
}

fn inspect(a: InspectArgs) -> Result<String, Error> {
	if crate::span::cli::is_span_index(&a.index)? {
		return crate::span::cli::inspect(&a.index);
	}
	let (index, hash) = read_index(&a.index)?;
	let v = serde_json::json!({
		"hash": hex(&hash),
		"family": index.family.name(),
		"method": index.method.name(),
		"features": index.features,
		"classes": index.classes,
		"n_train": index.n_train,
		"l2": index.l2,
		"parameters": index.theta.len(),
		"k": index.k(),
		"projection_seed": index.projection.map(|p| p.0),
		"contributions": index.contributions(),
		"contributors": index.contributors.iter().map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>(),
		"per_example_rows": index.examples.as_ref().map(|e| e.contribution.len()).unwrap_or(0),
	});
	Ok(format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default()))
}
