//! `tributary`: the Tributary node, plus the attribution engine's command line
//! (`tributary attribution ...`).

#![warn(missing_docs)]

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
