//! The command line's arguments (clap): `train`, `score`, `inspect`, `verify`.

use clap::Args;
use std::path::PathBuf;

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
	/// Score in K dimensions: influence computed exactly on the K-dimensional subspace
	/// where the Hessian is largest (method subspace; K at most p), or with
	/// `--method projected` on a random K-dimensional projection (TRAK-style).
	///
	/// The index stores K numbers per contribution (and a K × p basis for subspace).
	/// Subspace is exact when K is at least the rank of the training gradients (e.g. fewer
	/// training rows than K); see the engine README's evaluation for the accuracy at K < p.
	#[arg(long, value_name = "K")]
	pub project: Option<u32>,
	/// Hessian treatment: exact, cg, subspace, projected or grad-dot. Default: subspace
	/// with --project; otherwise exact while p ≤ 5000 and subspace with K = 512 above.
	///
	/// cg runs one conjugate-gradient solve (up to 2p+10 Hessian-vector products, n·p work
	/// each) per contribution, and per example with --per-example: exact but slow for many
	/// contributions or examples. It is the wrong choice for linear, logistic and softmax
	/// models (training already forms the p×p Hessian, so exact costs one more
	/// factorisation) and whenever contributions (+ examples) outnumber p; it pays off only
	/// for external gradients with large p and few contributions.
	#[arg(long)]
	pub method: Option<String>,
	/// Seed of the projection (projected) or of the subspace's start block (subspace).
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
	/// Bound on the build's memory (bytes, or with a unit: 512MiB, 8GiB; default 4GiB):
	/// the need is estimated from the data's shape before anything large is allocated,
	/// and a build above it stops with an error naming what is too large.
	#[arg(long, value_name = "SIZE", value_parser = parse_size)]
	pub max_memory: Option<u64>,
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
	/// Query file (CSV: header + one or more rows; feature columns, optional `label`).
	/// Each row is scored as a one-row query file of its own: one result per row, in order
	/// (JSON: one line each; text: blocks separated by an empty line).
	#[arg(long)]
	pub query: PathBuf,
	/// Also score every training example (all of them, or the --top N).
	#[arg(long)]
	pub per_example: bool,
	/// List at most this many contributions (and examples); shares are split among the
	/// listed contributions. Default: all.
	#[arg(long)]
	pub top: Option<usize>,
	/// Output format: json or text.
	#[arg(long, default_value = "json")]
	pub format: String,
	/// Training files, to recompute per-example vectors the index does not store.
	#[arg(long = "data")]
	pub data: Vec<PathBuf>,
	/// Bound on the memory to recompute per-example vectors from --data (as for `train`;
	/// default 4GiB).
	#[arg(long, value_name = "SIZE", value_parser = parse_size)]
	pub max_memory: Option<u64>,
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

/// Parses a `--max-memory` size ([`crate::memory::parse_bytes`]).
pub(crate) fn parse_size(s: &str) -> Result<u64, String> {
	crate::memory::parse_bytes(s)
		.ok_or_else(|| format!("`{s}` is not a size (bytes, or a number with KiB, MiB, GiB, TiB)"))
}

/// Arguments of `verify`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
	/// Index file (a gradient index written by `train`).
	#[arg(long)]
	pub index: PathBuf,
	/// The training data, as given to `train` (same files, same order).
	#[arg(long = "data", required = true)]
	pub data: Vec<PathBuf>,
	/// For .npy data: the contributor ids file given to `train`, if any.
	#[arg(long)]
	pub contributors: Option<PathBuf>,
	/// Worker threads (default: all cores). The rebuilt bytes do not depend on it.
	#[arg(long)]
	pub threads: Option<usize>,
	/// Bound on the rebuild's memory (as for `train`; default 4GiB).
	#[arg(long, value_name = "SIZE", value_parser = parse_size)]
	pub max_memory: Option<u64>,
	/// Show a progress bar on stderr even when it is not a terminal.
	#[arg(long)]
	pub progress: bool,
}
