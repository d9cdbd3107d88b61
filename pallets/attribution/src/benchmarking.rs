//! Benchmarks for `pallet_attribution` (FRAME benchmarking v2).
//!
//! Every benchmark takes the expensive path: a fresh developer, a model with a base model (the
//! lineage payout) and stake on it (the stakers' credit), the quorum reached by the benchmarked
//! call with dissenters on record, contributors earning for the first time, every attributed
//! dataset distinct where the component says so.

use super::*;
use crate::Pallet as Attribution;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::pallet_prelude::TransactionSource;
use frame_support::traits::{fungible::Mutate, Get};
use frame_system::RawOrigin;
use sp_runtime::RuntimeAppPublic;
use sp_runtime::{
	traits::{Bounded, Saturating, Zero},
	Perbill,
};
use tributary_primitives::ContributionRef;

/// Prepares the world the benchmarks need outside this pallet.
pub trait BenchmarkHelper<AccountId, Balance> {
	/// Register a model charging `fee`, with a base model, trained on `datasets` datasets
	/// that hold `contributions` contributions in all (spread evenly, at least one each,
	/// every one with its own contributor), with warmed-up stake on the model and on every
	/// dataset (so a settlement credits every pool it pays). Returns the model and its
	/// contributions in increasing order.
	fn model_with_contributions(
		datasets: u32,
		contributions: u32,
		fee: Balance,
	) -> (ModelId, Vec<ContributionRef>);

	/// Make `who` (already funded) a bonded attestor.
	fn make_attestor(who: &AccountId);
}

/// The most datasets a benchmarked result spans (a model's datasets are bounded by the model
/// registry; 16 in the runtime).
const MAX_DATASETS: u32 = 16;

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 1_000_000u32.into());
	who
}

fn fee<T: Config>() -> BalanceOf<T> {
	1_000_000_000u32.into()
}

/// Shares as equal as Perbill allows, strictly increasing contributions, summing to 100%.
fn even_scores(refs: &[ContributionRef]) -> Scores {
	let n = refs.len() as u32;
	let each = 1_000_000_000 / n;
	let first = 1_000_000_000 - each * (n - 1);
	refs.iter()
		.enumerate()
		.map(|(i, c)| (*c, Perbill::from_parts(if i == 0 { first } else { each })))
		.collect()
}

/// A model over `d` datasets whose snapshot is as large as a snapshot may be
/// (`MaxFallbackContributions`, the runtime's snapshot bound, or more if `s` is), and
/// `s.max(d)` of its contributions spread evenly over it, so over every dataset: finding a
/// contribution in the snapshot costs what it costs in the largest one.
fn scored_model<T: Config>(d: u32, s: u32) -> (ModelId, Vec<ContributionRef>) {
	let scored = s.max(d).max(1) as usize;
	let total = T::MaxFallbackContributions::get().max(scored as u32);
	let (model, refs) = T::BenchmarkHelper::model_with_contributions(d, total, fee::<T>());
	let len = refs.len();
	(model, (0..scored).map(|i| refs[i * len / scored]).collect())
}

/// A pending inference of `model`, paid by a fresh developer, with the longest query.
fn pending<T: Config>(model: ModelId, payer: u32) -> InferenceId {
	let developer = funded::<T>("developer", payer);
	let query = vec![b'7'; T::MaxQueryLen::get() as usize];
	Attribution::<T>::do_settle_inference(&developer, model, query, fee::<T>())
		.expect("benchmark inference is paid")
}

/// A funded attestor in good standing with a fresh `attr` key (in the benchmark keystore).
fn attestor<T: Config>(index: u32) -> (T::AccountId, AttestorId) {
	let who = funded::<T>("attestor", index);
	T::BenchmarkHelper::make_attestor(&who);
	let key = AttestorId::generate_pair(None);
	AttestorKeys::<T>::insert(&who, key.clone());
	KeyOwners::<T>::insert(&key, who.clone());
	(who, key)
}

/// The salt every benchmark attestor uses.
const SALT: [u8; 32] = [7u8; 32];

/// `key`'s signed commitment to `scores` for `inference`.
fn signed_commitment<T: Config>(
	who: &T::AccountId,
	key: &AttestorId,
	inference: InferenceId,
	scores: &Scores,
) -> (Commitment, AttestorSignature) {
	let index_hash = Inferences::<T>::get(inference).expect("pending").index_hash;
	let result = result_hash(ENGINE_VERSION, inference, &index_hash, scores);
	let commitment = Commitment {
		inference,
		key: key.clone(),
		commitment: commitment_hash(&result, who, &SALT),
	};
	let message = signed_bytes(COMMIT_DOMAIN, &Attribution::<T>::genesis_hash(), &commitment);
	let signature = key.sign(&message).expect("the benchmark keystore signs");
	(commitment, signature)
}

/// `key`'s signed reveal of `scores` for `inference`.
fn signed_reveal<T: Config>(
	key: &AttestorId,
	inference: InferenceId,
	scores: &Scores,
) -> (Reveal, AttestorSignature) {
	let reveal = Reveal { inference, key: key.clone(), salt: SALT, scores: scores.clone() };
	let message = signed_bytes(REVEAL_DOMAIN, &Attribution::<T>::genesis_hash(), &reveal);
	let signature = key.sign(&message).expect("the benchmark keystore signs");
	(reveal, signature)
}

/// Fills the inference with `MaxAttestors - 1` other commitments; with `reveal`, the first
/// `quorum - 1` of them reveal `scores` and the rest a dissenting result (slashed at
/// settlement), every one an attestor in good standing: the most an inference holds
/// before the call that completes its quorum.
fn prior_attestations<T: Config>(inference: InferenceId, scores: &Scores, reveal: bool) {
	let others = T::MaxAttestors::get().saturating_sub(1);
	prior_attestations_by::<T>(inference, scores, reveal, 0, others)
}

/// As [`prior_attestations`], by `others` prior attestors numbered from `first` on (the
/// first `quorum - 1` agreeing, the rest dissenting).
fn prior_attestations_by<T: Config>(
	inference: InferenceId,
	scores: &Scores,
	reveal: bool,
	first: u32,
	others: u32,
) {
	let quorum = Quorum::<T>::get();
	let index_hash = Inferences::<T>::get(inference).expect("pending").index_hash;
	let agreeing = result_hash(ENGINE_VERSION, inference, &index_hash, scores);
	let dissenting = sp_core::H256::repeat_byte(0xd1);
	let mut commitments = AttestationsOf::<T>::default();
	let mut reveals = AttestationsOf::<T>::default();
	for i in 0..others {
		let who = funded::<T>("prior-attestor", first + i);
		T::BenchmarkHelper::make_attestor(&who);
		let hash = if i + 1 < quorum { agreeing } else { dissenting };
		commitments
			.try_push((who.clone(), commitment_hash(&hash, &who, &SALT)))
			.expect("below MaxAttestors");
		reveals.try_push((who, hash)).expect("below MaxAttestors");
	}
	Commitments::<T>::insert(inference, commitments);
	if reveal {
		Reveals::<T>::insert(inference, reveals);
	}
}

/// A pending inference of a model over `d` datasets whose result names `s` contributions of
/// a full snapshot ([`scored_model`]), with the other attestors' commitments (and, with
/// `revealed`, reveals) on record, a fresh attestor's commitment to the even result when
/// `reveal` is wanted, and that attestor's signed payload: the commitment (`reveal` false)
/// or the reveal completing the quorum.
fn prepared<T: Config>(d: u32, s: u32, reveal: bool) -> (InferenceId, Call<T>) {
	let (model, refs) = scored_model::<T>(d, s);
	let inference = pending::<T>(model, 0);
	let scores = even_scores(&refs);
	prior_attestations::<T>(inference, &scores, reveal);
	let (who, key) = attestor::<T>(0);
	let (commitment, signature) = signed_commitment::<T>(&who, &key, inference, &scores);
	if !reveal {
		return (inference, Call::<T>::commit_attribution { commitment, signature });
	}
	Attribution::<T>::do_commit(commitment).expect("commits");
	let (reveal, signature) = signed_reveal::<T>(&key, inference, &scores);
	(inference, Call::<T>::reveal_attribution { reveal, signature })
}

/// A batch attestor's view of `n` pending inferences of one model over `MAX_DATASETS`
/// datasets, whose results name the same `MaxAttributedContributions` contributions of a
/// full snapshot ([`scored_model`]), each paid by its own
/// developer and with `others` other commitments (and, with `revealed`, their reveals), by
/// attestors of its own, all attributed the same even result.
struct BatchWorld<T: Config> {
	model: ModelId,
	inferences: Vec<InferenceId>,
	scores: Scores,
	who: T::AccountId,
	key: AttestorId,
}

fn batch_world<T: Config>(n: u32, revealed: bool, others: u32) -> BatchWorld<T> {
	let s = T::MaxAttributedContributions::get().max(1);
	let (model, refs) = scored_model::<T>(MAX_DATASETS.min(s), s);
	let scores = even_scores(&refs);
	let inferences: Vec<InferenceId> = (0..n)
		.map(|i| {
			let inference = pending::<T>(model, i);
			let first = i * T::MaxAttestors::get();
			prior_attestations_by::<T>(inference, &scores, revealed, first, others);
			inference
		})
		.collect();
	let (who, key) = attestor::<T>(0);
	BatchWorld { model, inferences, scores, who, key }
}

impl<T: Config> BatchWorld<T> {
	/// The attestor's signed commitments to every inference's result.
	fn commit_call(&self) -> Call<T> {
		let commitments = self
			.inferences
			.iter()
			.map(|&inference| {
				let (c, _) = signed_commitment::<T>(&self.who, &self.key, inference, &self.scores);
				(inference, c.commitment)
			})
			.collect();
		let batch = CommitBatch { key: self.key.clone(), commitments };
		let message = signed_bytes(COMMIT_BATCH_DOMAIN, &Attribution::<T>::genesis_hash(), &batch);
		let signature = self.key.sign(&message).expect("the benchmark keystore signs");
		Call::<T>::commit_attributions { batch, signature }
	}

	/// Commits for the attestor, then its signed reveals of every inference.
	fn reveal_call(&self) -> Call<T> {
		for &inference in &self.inferences {
			let (c, _) = signed_commitment::<T>(&self.who, &self.key, inference, &self.scores);
			Attribution::<T>::do_commit(c).expect("commits");
		}
		let reveals = self
			.inferences
			.iter()
			.map(|&inference| RevealedResult { inference, salt: SALT, scores: self.scores.clone() })
			.collect();
		let batch = RevealBatch { key: self.key.clone(), model: self.model, reveals };
		let message = signed_bytes(REVEAL_BATCH_DOMAIN, &Attribution::<T>::genesis_hash(), &batch);
		let signature = self.key.sign(&message).expect("the benchmark keystore signs");
		Call::<T>::reveal_attributions { batch, signature }
	}
}

/// Every other attestor an inference may have.
fn all_others<T: Config>() -> u32 {
	T::MaxAttestors::get().saturating_sub(1)
}

/// Authorizes `call` as the pool does.
fn authorize<T: Config>(call: &Call<T>) -> Result<(), BenchmarkError> {
	use frame_support::traits::Authorize;
	call.authorize(TransactionSource::External).ok_or("authorized")?.map_err(|_| "valid")?;
	Ok(())
}

/// A quorum with both winners and dissenters on record.
fn split_quorum<T: Config>() {
	Quorum::<T>::put(crate::attestation::benchmarked_quorum::<T>());
}

/// A pending inference of a model whose fallback snapshot holds `c` contributions (spread
/// over as many datasets as a model may have), at its deadline: returns it and the deadline.
fn expired<T: Config>(c: u32) -> (InferenceId, frame_system::pallet_prelude::BlockNumberFor<T>) {
	let (model, _) =
		T::BenchmarkHelper::model_with_contributions(c.min(MAX_DATASETS), c, fee::<T>());
	let inference = pending::<T>(model, 0);
	let deadline = Inferences::<T>::get(inference).expect("pending").deadline;
	frame_system::Pallet::<T>::set_block_number(deadline);
	(inference, deadline)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// One inference with the longest query, paid by a developer paying for the first time.
	#[benchmark]
	fn settle_inference(q: Linear<1, { T::MaxQueryLen::get() }>) {
		let (model, _) = T::BenchmarkHelper::model_with_contributions(1, 1, fee::<T>());
		let developer = funded::<T>("developer", 0);
		let query = vec![b'7'; q as usize];

		#[extrinsic_call]
		_(RawOrigin::Signed(developer.clone()), model, query, fee::<T>());

		assert_eq!(NextInferenceId::<T>::get(), 1);
		assert!(Developers::<T>::contains_key(&developer));
	}

	/// `b` inferences of `b` distinct models, each query `q` bytes long.
	#[benchmark]
	fn settle_inferences(
		b: Linear<1, { T::MaxBatch::get() }>,
		q: Linear<1, { T::MaxQueryLen::get() }>,
	) {
		let items: Vec<_> = (0..b)
			.map(|_| {
				let (model, _) = T::BenchmarkHelper::model_with_contributions(1, 1, fee::<T>());
				(model, vec![b'7'; q as usize], fee::<T>())
			})
			.collect();
		let developer = funded::<T>("developer", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(developer), items);

		assert_eq!(NextInferenceId::<T>::get(), b as u64);
	}

	/// The reveal that completes the quorum: `s` attributed contributions over `d` distinct
	/// datasets, every contributor earning for the first time, dissenters slashed.
	#[benchmark]
	fn reveal_attribution(
		s: Linear<MAX_DATASETS, { T::MaxAttributedContributions::get().max(MAX_DATASETS) }>,
		d: Linear<1, MAX_DATASETS>,
	) -> Result<(), BenchmarkError> {
		split_quorum::<T>();
		let (inference, call) = prepared::<T>(d, s, true);
		let Call::<T>::reveal_attribution { reveal, signature } = call else {
			return Err(BenchmarkError::Stop("a reveal"));
		};

		#[extrinsic_call]
		_(RawOrigin::Authorized, reveal, signature);

		assert!(!Inferences::<T>::contains_key(inference), "the quorum settled it");
		assert_eq!(Totals::<T>::get().earning_contributors, s as u64);
		Ok(())
	}

	/// The authorization of that reveal in the pool.
	#[benchmark]
	fn authorize_reveal_attribution(
		s: Linear<1, { T::MaxAttributedContributions::get() }>,
	) -> Result<(), BenchmarkError> {
		split_quorum::<T>();
		let (_, call) = prepared::<T>(s.min(MAX_DATASETS), s, true);

		#[block]
		{
			use frame_support::traits::Authorize;
			call.authorize(TransactionSource::External)
				.ok_or("authorized")?
				.map_err(|_| "valid")?;
		}

		Ok(())
	}

	/// A commitment joining `MaxAttestors - 1` others.
	#[benchmark]
	fn commit_attribution() -> Result<(), BenchmarkError> {
		let (inference, call) = prepared::<T>(1, 1, false);
		let Call::<T>::commit_attribution { commitment, signature } = call else {
			return Err(BenchmarkError::Stop("a commitment"));
		};

		#[extrinsic_call]
		_(RawOrigin::Authorized, commitment, signature);

		assert_eq!(Commitments::<T>::get(inference).len() as u32, T::MaxAttestors::get());
		Ok(())
	}

	/// The authorization of that commitment in the pool.
	#[benchmark]
	fn authorize_commit_attribution() -> Result<(), BenchmarkError> {
		let (_, call) = prepared::<T>(1, 1, false);

		#[block]
		{
			use frame_support::traits::Authorize;
			call.authorize(TransactionSource::External)
				.ok_or("authorized")?
				.map_err(|_| "valid")?;
		}

		Ok(())
	}

	/// One attestor's commitments to `n` inferences, each joining `MaxAttestors - 1` others.
	#[benchmark]
	fn commit_attributions(n: Linear<1, { T::MaxBatch::get() }>) -> Result<(), BenchmarkError> {
		let world = batch_world::<T>(n, false, all_others::<T>());
		let Call::<T>::commit_attributions { batch, signature } = world.commit_call() else {
			return Err(BenchmarkError::Stop("a batch of commitments"));
		};

		#[extrinsic_call]
		_(RawOrigin::Authorized, batch, signature);

		for inference in &world.inferences {
			assert_eq!(Commitments::<T>::get(inference).len() as u32, T::MaxAttestors::get());
		}
		Ok(())
	}

	/// The authorization of that batch in the pool.
	#[benchmark]
	fn authorize_commit_attributions(
		n: Linear<1, { T::MaxBatch::get() }>,
	) -> Result<(), BenchmarkError> {
		let call = batch_world::<T>(n, false, all_others::<T>()).commit_call();

		#[block]
		{
			authorize::<T>(&call)?;
		}

		Ok(())
	}

	/// One attestor's reveals completing the quorums of `n` inferences of one model, each
	/// paying the same `MaxAttributedContributions` contributions over `MAX_DATASETS`
	/// datasets (contributors earning for the first time at the first settlement), each with
	/// its own developer and its own other attestors, none dissenting (see `dissent`).
	#[benchmark]
	fn reveal_attributions(n: Linear<1, { T::MaxBatch::get() }>) -> Result<(), BenchmarkError> {
		split_quorum::<T>();
		let world = batch_world::<T>(n, true, Quorum::<T>::get() - 1);
		let Call::<T>::reveal_attributions { batch, signature } = world.reveal_call() else {
			return Err(BenchmarkError::Stop("a batch of reveals"));
		};

		#[extrinsic_call]
		_(RawOrigin::Authorized, batch, signature);

		for inference in &world.inferences {
			assert!(!Inferences::<T>::contains_key(inference), "the quorum settled it");
		}
		assert_eq!(Totals::<T>::get().inferences_settled, n as u64);
		Ok(())
	}

	/// One attestor's first reveals of `n` inferences whose quorum they do not complete.
	#[benchmark]
	fn reveal_attributions_pending(
		n: Linear<1, { T::MaxBatch::get() }>,
	) -> Result<(), BenchmarkError> {
		Quorum::<T>::put(T::MaxAttestors::get());
		let world = batch_world::<T>(n, false, all_others::<T>());
		let Call::<T>::reveal_attributions { batch, signature } = world.reveal_call() else {
			return Err(BenchmarkError::Stop("a batch of reveals"));
		};

		#[extrinsic_call]
		reveal_attributions(RawOrigin::Authorized, batch, signature);

		for inference in &world.inferences {
			assert_eq!(Reveals::<T>::get(inference).len(), 1);
		}
		Ok(())
	}

	/// The authorization of a batch of `n` settling reveals in the pool.
	#[benchmark]
	fn authorize_reveal_attributions(
		n: Linear<1, { T::MaxBatch::get() }>,
	) -> Result<(), BenchmarkError> {
		split_quorum::<T>();
		let call = batch_world::<T>(n, true, Quorum::<T>::get() - 1).reveal_call();

		#[block]
		{
			authorize::<T>(&call)?;
		}

		Ok(())
	}

	/// Slashing `k` dissenting attestors, each with its own bond, and reporting them.
	#[benchmark]
	fn dissent(k: Linear<1, { T::MaxAttestors::get() }>) {
		let dissenters: Vec<(T::AccountId, sp_core::H256)> = (0..k)
			.map(|i| {
				let who = funded::<T>("dissenter", i);
				T::BenchmarkHelper::make_attestor(&who);
				(who, sp_core::H256::repeat_byte(0xd1))
			})
			.collect();

		#[block]
		{
			Attribution::<T>::report_dissent(0, sp_core::H256::repeat_byte(0xa5), dissenters);
		}
	}

	#[benchmark]
	fn set_quorum() {
		#[extrinsic_call]
		_(RawOrigin::Root, T::MaxAttestors::get());

		assert_eq!(Quorum::<T>::get(), T::MaxAttestors::get());
	}

	#[benchmark]
	fn register_attestor_key() {
		let who = funded::<T>("attestor", 0);
		let key = AttestorId::generate_pair(None);

		#[extrinsic_call]
		_(RawOrigin::Root, who.clone(), key.clone());

		assert_eq!(KeyOwners::<T>::get(&key), Some(who));
	}

	#[benchmark]
	fn rotate_attestor_key() {
		let (who, old) = attestor::<T>(0);
		let key = AttestorId::generate_pair(None);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), key.clone());

		assert_eq!(KeyOwners::<T>::get(&key), Some(who));
		assert!(KeyOwners::<T>::get(&old).is_none());
	}

	#[benchmark]
	fn remove_attestor_key() {
		let (who, key) = attestor::<T>(0);

		#[extrinsic_call]
		_(RawOrigin::Root, who.clone());

		assert!(KeyOwners::<T>::get(&key).is_none());
	}

	/// A contributor with a new account claims its earnings.
	#[benchmark]
	fn claim_earnings() {
		let contributor: T::AccountId = account("contributor", 0, 0);
		let amount = fee::<T>();
		T::Currency::set_balance(
			&Attribution::<T>::escrow_account(),
			amount.saturating_mul(2u32.into()),
		);
		ContributorEarnings::<T>::insert(
			&contributor,
			Earnings { total: amount, unclaimed: amount },
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(contributor.clone()));

		assert!(ContributorEarnings::<T>::get(&contributor).unclaimed.is_zero());
	}

	/// The expiry sweep passing over `n` ids of settled inferences.
	#[benchmark]
	fn expiry_scan(n: Linear<0, { T::MaxExpiryScan::get() }>) {
		NextInferenceId::<T>::put(n as u64);
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Attribution::<T>::sweep_expired(now, n, 0);
		}

		assert_eq!(ExpiryCursor::<T>::get(), n as u64);
	}

	/// One expired inference settled by the declared records of `c` contributions, spread
	/// over as many datasets as a model may have.
	#[benchmark]
	fn expire_inference(c: Linear<1, { T::MaxFallbackContributions::get() }>) {
		let (inference, deadline) = expired::<T>(c);

		#[block]
		{
			Attribution::<T>::sweep_expired(deadline, 1, 1);
		}

		assert!(!Inferences::<T>::contains_key(inference), "settled by records");
		assert_eq!(Totals::<T>::get().settled_without_attribution, 1);
	}

	/// Anyone settling one expired inference of `c` fallback contributions at once.
	#[benchmark]
	fn settle_expired(c: Linear<1, { T::MaxFallbackContributions::get() }>) {
		let (inference, _) = expired::<T>(c);
		let keeper: T::AccountId = account("keeper", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(keeper), inference);

		assert!(!Inferences::<T>::contains_key(inference), "settled by records");
		assert_eq!(Totals::<T>::get().settled_without_attribution, 1);
	}

	impl_benchmark_test_suite!(Attribution, crate::mock::new_test_ext(), crate::mock::Test);
}
