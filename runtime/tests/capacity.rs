//! Settlement capacity of one block, from the runtime's benchmarked weights.
//!
//! A settlement is a developer's paid inference (in a `settle_inferences` batch of
//! `MaxBatch`, paying the base extrinsic weight once per batch) plus, for each of the quorum's
//! attestors, one authorized commitment and one authorized reveal (each its own extrinsic:
//! base weight, the authorization run again at inclusion, the call), every result
//! attributing 16 contributions. Every reveal is charged as the quorum-completing one (the
//! benchmarked worst case). The normal dispatch class's share of the block (75% of 2 s of
//! reference time per 6 s block) is the budget.
//!
//! `cargo test -p tributary-runtime --test capacity -- --nocapture` prints the table.

use frame_support::{dispatch::DispatchClass, traits::Get, weights::Weight};
use pallet_attribution::WeightInfo;
use tributary_runtime::{configs::RuntimeBlockWeights, Runtime};

type AttributionWeights = <Runtime as pallet_attribution::Config>::WeightInfo;

/// Contributions attributed by each result.
const CONTRIBUTIONS: u32 = 16;
/// The query of a typical gradient-model inference (a CSV header and one row).
const QUERY_BYTES: u32 = 256;

/// Settlements that fit in the normal class of one block, with `quorum` attestors and the 16
/// contributions spread over `datasets` datasets.
fn settlements_per_block(quorum: u32, datasets: u32) -> (u64, Weight) {
	let weights = RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let budget = normal.max_total.expect("the normal class is bounded");
	let batch = <Runtime as pallet_attribution::Config>::MaxBatch::get();
	let base = normal.base_extrinsic;
	let settle_batch =
		AttributionWeights::settle_inferences(batch, QUERY_BYTES).saturating_add(base);
	let commit = AttributionWeights::commit_attribution()
		.saturating_add(AttributionWeights::authorize_commit_attribution())
		.saturating_add(base);
	let reveal = AttributionWeights::reveal_attribution(CONTRIBUTIONS, datasets)
		.saturating_add(AttributionWeights::authorize_reveal_attribution(CONTRIBUTIONS))
		.saturating_add(base);
	let per_attestor = commit.saturating_add(reveal).saturating_mul(batch as u64);
	let per_batch = settle_batch.saturating_add(per_attestor.saturating_mul(quorum as u64));
	let per_settlement = Weight::from_parts(
		per_batch.ref_time() / batch as u64,
		per_batch.proof_size() / batch as u64,
	);
	(budget.ref_time() / per_settlement.ref_time(), per_settlement)
}

#[test]
fn settlements_of_16_contributions_per_block_at_quorum_one_and_three() {
	println!("quorum  datasets  µs per settlement  settlements per 6 s block");
	for quorum in [1, 3] {
		for datasets in [1, 16] {
			let (n, w) = settlements_per_block(quorum, datasets);
			println!("{quorum:>6}  {datasets:>8}  {:>17.1}  {n:>25}", w.ref_time() as f64 / 1e6);
		}
	}
	// Commit and reveal cost two extrinsics per attestor and inference (no batching yet), so
	// these are floors that guard against regressions, not the ≥ 500 target: see the README.
	let (quorum_one, _) = settlements_per_block(1, 1);
	assert!(quorum_one >= 450, "only {quorum_one} settlements per block at quorum 1");
	let (quorum_three, _) = settlements_per_block(3, 1);
	assert!(quorum_three >= 150, "only {quorum_three} settlements per block at quorum 3");
}
