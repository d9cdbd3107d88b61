//! `tributary-attribution`: the engine's command line on its own (the node binary mounts
//! the same subcommands as `tributary attribution ...`).

use clap::Parser;
use tributary_attribution::cli::{run, AttributionCmd};

/// Tributary attribution engine.
#[derive(Parser)]
#[command(name = "tributary-attribution", version, about)]
struct Cli {
	#[command(subcommand)]
	cmd: AttributionCmd,
}

fn main() {
	let cli = Cli::parse();
	if let Err(e) = run(cli.cmd) {
		eprintln!("error: {e}");
		std::process::exit(1);
	}
}
