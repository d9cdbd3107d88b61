//! The command line: `tributary attribution {train, score, inspect}`.
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
//!       [--contributors ids.txt] [--progress] [--threads T]
//! train --family span --data a.txt [--contributor ID] [--data b.txt ...] --out text.idx
//!       [--min-span 8] [--max-occurrences 1000] [--shard-tokens N] [--progress]
//! score --index model.idx --query query.csv [--per-example [--data train.csv ...]] [--top 10]
//!       [--format json|text]
//! score --index text.idx --query output.txt [--per-span] [--top 10] [--min-span N]
//!       [--max-occurrences N] [--format json|text]
//! inspect --index model.idx
//! ```
//!
//! `score` and `inspect` tell a span index from a gradient index by its magic. Span
//! indexes: [`crate::span`] and [`crate::span::cli`] (file names, output fields).
//!
//! `train` prints the index's blake2-256 hash (`0x…`) on stdout. `--project K` selects
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
//! with `--per-example`, also sorted and cut to `--top`; rows are 0-based in file order
//! across all `--data` files.

use crate::span::SpanError;
use crate::{
	build::{BuildError, BuildOptions},
	data::{DataError, Dataset},
	family::Family,
	index::{DecodeError, Index, Method, ScoreError},
	shares,
};
use clap::{Args, Subcommand};
use std::{fmt, path::PathBuf};

/// `tributary attribution ...` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum AttributionCmd {
	/// Train a model on CSV (or .npy gradient) data and write its attribution index.
	Train(TrainArgs),
	/// Score a query against an index: contributions (and examples) with their shares.
	Score(ScoreArgs),
	/// Describe an index file.
	Inspect(InspectArgs),
}

/// One `--data` file and the `--contributor ID` that followed it, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFile {
	/// The file.
	pub path: PathBuf,
	/// Its contribution id (span family only).
	pub contributor: Option<String>,
}

/// The `--data FILE [--contributor ID]` pairs of `train`, in command-line order. A
/// `--contributor` names the contribution of the `--data` right before it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataFiles(pub Vec<DataFile>);

impl DataFiles {
	/// The files, in order.
	pub fn paths(&self) -> Vec<PathBuf> {
		self.0.iter().map(|d| d.path.clone()).collect()
	}
}

impl clap::FromArgMatches for DataFiles {
	fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
		let paths: Vec<PathBuf> =
			m.get_many::<PathBuf>("data").map(|v| v.cloned().collect()).unwrap_or_default();
		let pidx: Vec<usize> = m.indices_of("data").map(|v| v.collect()).unwrap_or_default();
		let ids: Vec<String> =
			m.get_many::<String>("contributor").map(|v| v.cloned().collect()).unwrap_or_default();
		let cidx: Vec<usize> = m.indices_of("contributor").map(|v| v.collect()).unwrap_or_default();
		let mut files: Vec<DataFile> =
			paths.into_iter().map(|path| DataFile { path, contributor: None }).collect();
		for (id, ci) in ids.into_iter().zip(cidx) {
			// The last --data before this --contributor.
			let Some(f) = pidx.iter().rposition(|&pi| pi < ci) else {
				return Err(clap::Error::raw(
					clap::error::ErrorKind::ArgumentConflict,
					format!("--contributor {id} must follow the --data file it names\n"),
				));
			};
			if files[f].contributor.is_some() {
				return Err(clap::Error::raw(
					clap::error::ErrorKind::ArgumentConflict,
					format!("two --contributor values for --data {}\n", files[f].path.display()),
				));
			}
			files[f].contributor = Some(id);
		}
		Ok(DataFiles(files))
	}

	fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
		*self = Self::from_arg_matches(m)?;
		Ok(())
	}
}

impl clap::Args for DataFiles {
	fn augment_args(cmd: clap::Command) -> clap::Command {
		cmd.arg(
			clap::Arg::new("data")
				.long("data")
				.value_name("FILE")
				.action(clap::ArgAction::Append)
				.value_parser(clap::value_parser!(PathBuf))
				.required(true)
				.help("Training data: CSV (`contributor`, `label`, feature columns), one `.npy`, or text files (--family span)"),
		)
		.arg(
			clap::Arg::new("contributor")
				.long("contributor")
				.value_name("ID")
				.action(clap::ArgAction::Append)
				.value_parser(clap::value_parser!(String))
				.help("Contribution id of the --data file just before it (--family span; default: the file's name without directory)"),
		)
	}

	fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
		Self::augment_args(cmd)
	}
}

/// Arguments of `train`.
#[derive(Debug, Clone, Args)]
pub struct TrainArgs {
	/// Training data (`--data FILE`, each optionally followed by `--contributor ID`).
	#[command(flatten)]
	pub data: DataFiles,
	/// Model family: linear, logistic, softmax, external (.npy gradients) or span (text).
	#[arg(long)]
	pub family: String,
	/// L2 strength in (1/n) Σ ℓ + (l2/2)‖θ‖².
	#[arg(long, default_value_t = 0.01)]
	pub l2: f64,
	/// Output index file.
	#[arg(long)]
	pub out: PathBuf,
	/// Project gradients to K dimensions (projected Gauss-Newton, TRAK-style).
	#[arg(long, value_name = "K")]
	pub project: Option<u32>,
	/// Hessian treatment: exact, cg, projected or grad-dot (default: exact, or projected with --project).
	#[arg(long)]
	pub method: Option<String>,
	/// Projection seed.
	#[arg(long, default_value_t = 0)]
	pub seed: u64,
	/// Store per-example vectors in the index (for `score --per-example`).
	#[arg(long)]
	pub per_example: bool,
	/// For .npy data: a text file with one contributor id per row.
	#[arg(long)]
	pub contributors: Option<PathBuf>,
	/// Show a progress bar on stderr even when it is not a terminal.
	#[arg(long)]
	pub progress: bool,
	/// Worker threads (default: all cores). The index does not depend on it.
	#[arg(long)]
	pub threads: Option<usize>,
	/// Bound on the build's memory (bytes, or with a unit: 512MiB, 8GiB): the need is
	/// estimated from the data's shape before anything large is allocated, and a build
	/// above it stops with an error naming what is too large.
	#[arg(long, value_name = "SIZE", default_value = "4GiB", value_parser = parse_size)]
	pub max_memory: u64,
	/// Span family: the index's default minimum span length in tokens (default 8).
	#[arg(long)]
	pub min_span: Option<u32>,
	/// Span family: the index's default cap on occurrences read per span (default 1000).
	#[arg(long)]
	pub max_occurrences: Option<u32>,
	/// Span family: shard bound in tokens (default 2^24, 3-byte positions); each shard's
	/// suffix array is built in memory, about 8 bytes per token.
	#[arg(long, value_name = "N")]
	pub shard_tokens: Option<u64>,
}

/// Arguments of `score`.
#[derive(Debug, Clone, Args)]
pub struct ScoreArgs {
	/// Index file.
	#[arg(long)]
	pub index: PathBuf,
	/// Query file (CSV: header + one row; feature columns, optional `label`).
	#[arg(long)]
	pub query: PathBuf,
	/// Also score every training example.
	#[arg(long)]
	pub per_example: bool,
	/// List at most this many contributions (and examples); shares are split among them.
	#[arg(long)]
	pub top: Option<usize>,
	/// Output format: json or text.
	#[arg(long, default_value = "json")]
	pub format: String,
	/// Training files, to recompute per-example vectors the index does not store.
	#[arg(long = "data")]
	pub data: Vec<PathBuf>,
	/// Bound on the memory to recompute per-example vectors from --data (as for `train`).
	#[arg(long, value_name = "SIZE", default_value = "4GiB", value_parser = parse_size)]
	pub max_memory: u64,
	/// Span index: also print every credited span (text, occurrences, contributions).
	#[arg(long)]
	pub per_span: bool,
	/// Span index: minimum span length in tokens (default: the index's).
	#[arg(long)]
	pub min_span: Option<u32>,
	/// Span index: occurrences read per span at most (default: the index's).
	#[arg(long)]
	pub max_occurrences: Option<u32>,
}

/// Arguments of `inspect`.
#[derive(Debug, Clone, Args)]
pub struct InspectArgs {
	/// Index file.
	#[arg(long)]
	pub index: PathBuf,
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

/// Parses a `--max-memory` size ([`crate::memory::parse_bytes`]).
fn parse_size(s: &str) -> Result<u64, String> {
	crate::memory::parse_bytes(s)
		.ok_or_else(|| format!("`{s}` is not a size (bytes, or a number with KiB, MiB, GiB, TiB)"))
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

/// Runs a subcommand, printing its result on stdout.
pub fn run(cmd: AttributionCmd) -> Result<(), Error> {
	let out = run_to_string(cmd)?;
	print!("{out}");
	Ok(())
}

/// Runs a subcommand and returns what it would print.
pub fn run_to_string(cmd: AttributionCmd) -> Result<String, Error> {
	match cmd {
		AttributionCmd::Train(a) => {
			let threads = a.threads;
			match threads {
				Some(t) => rayon::ThreadPoolBuilder::new()
					.num_threads(t.max(1))
					.build()
					.map_err(|e| Error::Usage(format!("cannot start {t} threads: {e}")))?
					.install(|| train(a)),
				None => train(a),
			}
		}
		AttributionCmd::Score(a) => score(a),
		AttributionCmd::Inspect(a) => inspect(a),
	}
}

fn load_data(
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

fn train(a: TrainArgs) -> Result<String, Error> {
	if a.family == "span" {
		return crate::span::cli::train(&a);
	}
	let family = Family::from_name(&a.family).ok_or_else(|| {
		Error::Usage(format!(
			"unknown family `{}` (expected linear, logistic, softmax, external or span)",
			a.family
		))
	})?;
	if let Some(d) = a.data.0.iter().find(|d| d.contributor.is_some()) {
		return Err(Error::Usage(format!(
			"--contributor (after --data {}) is for --family span; CSV files name contributions in their `contributor` column",
			d.path.display()
		)));
	}
	if a.min_span.is_some() || a.max_occurrences.is_some() || a.shard_tokens.is_some() {
		return Err(Error::Usage(
			"--min-span, --max-occurrences and --shard-tokens are for --family span".into(),
		));
	}
	let method = match (&a.method, a.project) {
		(Some(m), _) => Method::from_name(m).ok_or_else(|| {
			Error::Usage(format!(
				"unknown method `{m}` (expected exact, cg, projected or grad-dot)"
			))
		})?,
		(None, Some(_)) => Method::Projected,
		(None, None) => Method::Exact,
	};
	if a.project.is_some() && method != Method::Projected {
		return Err(Error::Usage("--project needs --method projected".into()));
	}
	if !(a.l2 > 0.0 && a.l2.is_finite()) {
		return Err(Error::Usage(format!("--l2 must be a finite number > 0, got {}", a.l2)));
	}
	let ds = load_data(&a.data.paths(), family, a.contributors.as_ref())?;
	let opts = BuildOptions {
		family,
		l2: a.l2,
		method,
		projection: (a.seed, a.project.unwrap_or(512)),
		per_example: a.per_example,
		progress: a.progress,
		tol: 1e-10,
		max_memory: a.max_memory,
	};
	let (index, _) = Index::build(&ds, &opts)?;
	let bytes = index.encode();
	std::fs::write(&a.out, &bytes).map_err(|e| Error::Io(a.out.clone(), e))?;
	Ok(format!("{}\n", hex(&Index::hash(&bytes))))
}

/// Reads and decodes an index file.
pub fn read_index(path: &PathBuf) -> Result<(Index, [u8; 32]), Error> {
	let bytes = std::fs::read(path).map_err(|e| Error::Io(path.clone(), e))?;
	let index = Index::decode(&bytes).map_err(|e| Error::Decode(path.clone(), e))?;
	Ok((index, Index::hash(&bytes)))
}

fn ranked(scores: &[f64]) -> Vec<usize> {
	let mut order: Vec<usize> = (0..scores.len()).collect();
	order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
	order
}

fn score(a: ScoreArgs) -> Result<String, Error> {
	if a.format != "json" && a.format != "text" {
		return Err(Error::Usage(format!(
			"unknown --format `{}` (expected json or text)",
			a.format
		)));
	}
	if crate::span::cli::is_span_index(&a.index)? {
		return crate::span::cli::score(&a);
	}
	if a.per_span || a.min_span.is_some() || a.max_occurrences.is_some() {
		return Err(Error::Usage(
			"--per-span, --min-span and --max-occurrences are for span indexes".into(),
		));
	}
	let (mut index, _) = read_index(&a.index)?;
	let qbytes = std::fs::read(&a.query).map_err(|e| Error::Io(a.query.clone(), e))?;
	let query = index.parse_query(&qbytes)?;
	let scores = index.score(&query)?;
	let top = a.top.unwrap_or(scores.len());
	let order: Vec<usize> = ranked(&scores).into_iter().take(top).collect();
	let shares = shares::shares(&scores, top);
	let share_of = |c: usize| -> f64 {
		shares.iter().find(|s| s.0 as usize == c).map(|s| s.1 as f64 / 1e9).unwrap_or(0.0)
	};
	let mut examples = Vec::new();
	if a.per_example {
		if index.examples.is_none() {
			if a.data.is_empty() {
				return Err(ScoreError::NoExamples.into());
			}
			recompute_examples(&mut index, &a.data, a.max_memory)?;
		}
		let ex_scores = index.score_examples(&query)?;
		let ex = index.examples.as_ref().map(|e| &e.contribution);
		for i in ranked(&ex_scores).into_iter().take(top) {
			let c = ex.map(|e| e[i] as usize).unwrap_or(0);
			examples.push((i, c, ex_scores[i]));
		}
	}
	let name = |c: usize| String::from_utf8_lossy(&index.contributors[c]).into_owned();
	if a.format == "text" {
		let mut s = String::new();
		for &c in &order {
			s.push_str(&format!("{}\t{:e}\t{}\n", name(c), scores[c], share_of(c)));
		}
		for (i, c, v) in &examples {
			s.push_str(&format!("row {i}\t{}\t{v:e}\n", name(*c)));
		}
		return Ok(s);
	}
	let contributions: Vec<serde_json::Value> = order
		.iter()
		.map(
			|&c| serde_json::json!({"contributor": name(c), "score": num(scores[c]), "share": share_of(c)}),
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

fn num(v: f64) -> serde_json::Value {
	serde_json::Number::from_f64(v)
		.map(serde_json::Value::Number)
		.unwrap_or(serde_json::Value::Null)
}

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
	let ex = crate::build::example_vectors(index, &ds, max_memory)?;
	index.examples = Some(ex);
	Ok(())
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
