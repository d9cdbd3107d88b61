//! The node's command line.

use sc_cli::RunCmd;

/// The `tributary` command line: run a node (no subcommand) or one of the subcommands.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// What to do instead of running a node.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Options of a running node.
	#[clap(flatten)]
	pub run: RunCmd,

	/// The span-attribution service this node's attestor worker asks for span indexes
	/// (text attribution), e.g. `http://127.0.0.1:7070`: a `tributary attribution serve
	/// --index text.idx` that the operator runs on this machine. Without it, the worker
	/// attributes gradient indexes only.
	#[arg(long, value_name = "URL")]
	pub attribution_span_service: Option<String>,
}

/// The subcommands.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Train attribution indexes and score inferences with the influence engine.
	#[command(subcommand)]
	Attribution(tributary_attribution::cli::AttributionCmd),

	/// Key management utilities (e.g. `key insert --key-type attr` for an attestor key).
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification.
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Benchmarks (FRAME pallet weights, machine); built with `--features runtime-benchmarks`.
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Database meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),
}
