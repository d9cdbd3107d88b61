//! Settlement capacity of one block, from the runtime's benchmarked weights.
//!
//! A settlement is a developer's paid inference (in a `settle_inferences` batch of
//! `MaxBatch`, paying the base extrinsic weight once per batch) plus, for each of the quorum's
//! attestors, its commitment and its reveal, sent as the off-chain worker sends them: one
//! `commit_attributions` and one `reveal_attributions` batch of `MaxBatch` inferences of one
//! model per attestor (each batch an extrinsic: base weight, the authorization run again at
//! inclusion, the call). The first `quorum - 1` reveal batches record reveals; the last one
//! completes every quorum and pays, each result attributing `contributions` contributions
//! (charged as results of `MaxAttributedContributions`, the benchmarked worst case), the
//! batch's results naming `distinct` distinct contributions in all over `datasets` datasets.
//! The normal dispatch class's share of the block (75% of 2 s of reference time per 6 s
//! block) is the budget.
//!
//! `cargo test -p tributary-runtime --test capacity -- --nocapture` prints the table.

use frame_support::{dispatch::DispatchClass, traits::Get, weights::Weight};
use pallet_attribution::WeightInfo;
use tributary_runtime::{configs::RuntimeBlockWeights, Attribution, Runtime};

type AttributionWeights = <Runtime as pallet_attribution::Config>::WeightInfo;

/// The query of a typical gradient-model inference (a CSV header and one row).
const QUERY_BYTES: u32 = 256;

/// Settlements that fit in the normal class of one block with `quorum` attestors, when the
/// results of a batch name `distinct` distinct contributions over `datasets` datasets.
/// Also returns a settlement's share of each part, in picoseconds: the payment, the
/// commitments, the recorded reveals and the settling reveal.
fn settlements_per_block(quorum: u32, distinct: u32, datasets: u32) -> (u64, Weight, [u64; 4]) {
	let weights = RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let budget = normal.max_total.expect("the normal class is bounded");
	let batch: u32 = <Runtime as pallet_attribution::Config>::MaxBatch::get();
	let base = normal.base_extrinsic;
	let settle_batch =
		AttributionWeights::settle_inferences(batch, QUERY_BYTES).saturating_add(base);
	let commits = AttributionWeights::commit_attributions(batch)
		.saturating_add(AttributionWeights::authorize_commit_attributions(batch))
		.saturating_add(base);
	let authorize_reveals = AttributionWeights::authorize_reveal_attributions(batch);
	let recorded = AttributionWeights::reveal_attributions_pending(batch)
		.saturating_add(authorize_reveals)
		.saturating_add(base);
	let settling = Attribution::settling_weight(batch, distinct, datasets)
		.saturating_add(authorize_reveals)
		.saturating_add(base);
	let parts = [
		settle_batch,
		commits.saturating_mul(quorum as u64),
		recorded.saturating_mul(quorum.saturating_sub(1) as u64),
		settling,
	];
	let per_batch = parts.iter().fold(Weight::zero(), |a, b| a.saturating_add(*b));
	let per_settlement = Weight::from_parts(
		per_batch.ref_time() / batch as u64,
		per_batch.proof_size() / batch as u64,
	);
	let parts = parts.map(|w| w.ref_time() / batch as u64);
	(budget.ref_time() / per_settlement.ref_time(), per_settlement, parts)
}

#[test]
fn settlements_per_block_at_quorum_one_and_three() {
	let batch: u32 = <Runtime as pallet_attribution::Config>::MaxBatch::get();
	println!("quorum  distinct contributions per batch  datasets  µs per settlement  settlements per 6 s block");
	let cases = [(16, 1), (16, 16), (16 * batch, 16)];
	for quorum in [1, 3] {
		for (distinct, datasets) in cases {
			let (n, w, _) = settlements_per_block(quorum, distinct, datasets);
			println!(
				"{quorum:>6}  {distinct:>32}  {datasets:>8}  {:>17.1}  {n:>25}",
				w.ref_time() as f64 / 1e6
			);
		}
	}
	let (_, _, parts) = settlements_per_block(3, 16, 16);
	let [payment, commits, recorded, settling] = parts.map(|p| p as f64 / 1e6);
	println!(
		"quorum 3, µs per settlement: payment {payment:.1}, commitments {commits:.1}, recorded \
		 reveals {recorded:.1}, settling reveal {settling:.1}"
	);
	// The settlements per block are reported, not asserted: the target of 500 at quorum 3 is
	// a benchmark figure, printed above and in the README.
	let (quorum_three, _, _) = settlements_per_block(3, 16, 16);
	let (quorum_one, _, _) = settlements_per_block(1, 16, 16);
	assert!(quorum_one > quorum_three, "a smaller quorum settles more");
	// Every result naming 16 contributions of its own costs more, and still settles.
	let (distinct, _, _) = settlements_per_block(3, 16 * batch, 16);
	assert!(distinct >= 1 && distinct < quorum_three);
}

/// The heaviest reveal batch the worker can send (a full batch of one model, every result
/// naming `MaxAttributedContributions` contributions, as many distinct ones as a model's
/// snapshot holds, over the most datasets a model has, every other attestor dissenting) is
/// charged less than one extrinsic may weigh: the pool can always include it.
#[test]
fn the_heaviest_reveal_batch_fits_in_one_block() {
	let weights = RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let max_extrinsic = normal.max_extrinsic.expect("the normal class bounds an extrinsic");
	let batch: u32 = <Runtime as pallet_attribution::Config>::MaxBatch::get();
	let scores: u32 = <Runtime as pallet_attribution::Config>::MaxAttributedContributions::get();
	let snapshot: u32 = <Runtime as pallet_models::Config>::MaxSnapshotContributions::get();
	let datasets: u32 = <Runtime as pallet_models::Config>::MaxDatasetsPerModel::get();
	let attestors: u32 = <Runtime as pallet_attribution::Config>::MaxAttestors::get();
	let distinct = (batch * scores).min(snapshot);
	let heaviest = Attribution::settling_weight(batch, distinct, datasets)
		.saturating_add(AttributionWeights::dissent(batch * (attestors - 1)))
		.saturating_add(AttributionWeights::authorize_reveal_attributions(batch))
		.saturating_add(normal.base_extrinsic);
	println!(
		"heaviest reveal batch: {:.1} ms of {:.1} ms per extrinsic",
		heaviest.ref_time() as f64 / 1e9,
		max_extrinsic.ref_time() as f64 / 1e9
	);
	assert!(heaviest.all_lte(max_extrinsic), "{heaviest:?} exceeds {max_extrinsic:?}");
}
