//! Tests of the attribution pallet: settlement (`settlement`), commit and reveal with their
//! authorization (`attestation`), their batches (`batch`), the timeout path's deposit and `settle_expired` (`expiry`),
//! and the off-chain worker (`offchain`).

mod attestation;
mod batch;
mod expiry;
mod offchain;
mod settlement;

use crate::{
	commitment_hash, mock::*, result_hash, signed_bytes, Commitment, ContributorEarnings,
	Inferences, Reveal, Scores, COMMIT_DOMAIN, ENGINE_VERSION, REVEAL_DOMAIN,
};
use frame_support::{
	assert_noop, assert_ok, pallet_prelude::DispatchResult, traits::fungible::Inspect,
};
use sp_runtime::Perbill;
use tributary_primitives::{attestor::AttestorSignature, ContributionRef};

pub(crate) fn c(dataset: u32, contribution: u32) -> ContributionRef {
	ContributionRef::new(dataset, contribution)
}

pub(crate) fn half_half() -> Scores {
	vec![(c(0, 0), Perbill::from_percent(50)), (c(1, 0), Perbill::from_percent(50))]
}

pub(crate) fn query() -> Vec<u8> {
	b"alcohol,malic_acid\n13.2,1.78\n".to_vec()
}

pub(crate) fn free(who: AccountId) -> Balance {
	Balances::balance(&who)
}

pub(crate) fn escrow() -> Balance {
	free(Attribution::escrow_account())
}

/// Every account the tests touch, with its balance.
pub(crate) fn all_balances() -> Vec<Balance> {
	[DEV, BROKE, OWNER, BASE_OWNER, ATT1, ATT2, ATT3, C1, C2, C3, OUTSIDER, PROTOCOL, REWARDS]
		.iter()
		.map(|a| free(*a))
		.chain([escrow()])
		.collect()
}

/// The custom validity code the pool gives for `error` (its index in the pallet's errors).
pub(crate) fn code(
	error: crate::Error<Test>,
) -> frame_support::pallet_prelude::TransactionValidityError {
	let sp_runtime::DispatchError::Module(m) = sp_runtime::DispatchError::from(error) else {
		unreachable!()
	};
	frame_support::pallet_prelude::InvalidTransaction::Custom(m.error[0]).into()
}

/// Asserts that a call fails with an error and changes neither storage nor balances.
macro_rules! assert_fails_unchanged {
	($call:expr, $err:expr) => {{
		let before = all_balances();
		assert_noop!($call, $err);
		assert_eq!(all_balances(), before, "balances changed by a failed call");
	}};
}
pub(crate) use assert_fails_unchanged;

/// Claims `who`'s earnings.
pub(crate) fn claim(who: AccountId) {
	assert_ok!(Attribution::claim_earnings(RuntimeOrigin::signed(who)));
}

/// `who`'s unclaimed earnings.
pub(crate) fn unclaimed(who: AccountId) -> Balance {
	ContributorEarnings::<Test>::get(who).unclaimed
}

/// DEV pays for one inference of `model`.
pub(crate) fn settle(model: u32) -> u64 {
	let id = crate::NextInferenceId::<Test>::get();
	assert_ok!(Attribution::settle_inference(RuntimeOrigin::signed(DEV), model, query(), 10_000));
	id
}

/// The origin of an authorized transaction.
pub(crate) fn authorized() -> RuntimeOrigin {
	frame_system::RawOrigin::Authorized.into()
}

/// The salt `who` uses in the tests.
pub(crate) fn salt(who: AccountId) -> [u8; 32] {
	[who as u8; 32]
}

/// `who`'s signed commitment to `scores` for the pending inference `id`.
pub(crate) fn signed_commitment(
	who: AccountId,
	id: u64,
	scores: &Scores,
) -> (Commitment, AttestorSignature) {
	let index_hash = Inferences::<Test>::get(id).map(|i| i.index_hash).unwrap_or_default();
	let result = result_hash(ENGINE_VERSION, id, &index_hash, scores);
	let commitment = Commitment {
		inference: id,
		key: attestor_key(who),
		commitment: commitment_hash(&result, &who, &salt(who)),
	};
	let signature =
		attestor_sign(who, &signed_bytes(COMMIT_DOMAIN, &Attribution::genesis_hash(), &commitment));
	(commitment, signature)
}

/// `who`'s signed reveal of `scores` for `id`.
pub(crate) fn signed_reveal(
	who: AccountId,
	id: u64,
	scores: &Scores,
) -> (Reveal, AttestorSignature) {
	let reveal =
		Reveal { inference: id, key: attestor_key(who), salt: salt(who), scores: scores.clone() };
	let signature =
		attestor_sign(who, &signed_bytes(REVEAL_DOMAIN, &Attribution::genesis_hash(), &reveal));
	(reveal, signature)
}

/// Submits a commitment as the runtime applies an authorized transaction: the authorization
/// (signature included), then the dispatch with the `Authorized` origin.
pub(crate) fn submit_commit(
	commitment: Commitment,
	signature: AttestorSignature,
) -> DispatchResult {
	Attribution::check_commit(&commitment, Some(&signature))?;
	Attribution::commit_attribution(authorized(), commitment, signature)
}

/// Submits a reveal as the runtime applies an authorized transaction.
pub(crate) fn submit_reveal(reveal: Reveal, signature: AttestorSignature) -> DispatchResult {
	Attribution::check_reveal(&reveal, Some(&signature))?;
	Attribution::reveal_attribution(authorized(), reveal, signature)
		.map(|_| ())
		.map_err(|e| e.error)
}

/// `who` commits to `scores` for `id`.
pub(crate) fn commit(who: AccountId, id: u64, scores: &Scores) -> DispatchResult {
	let (commitment, signature) = signed_commitment(who, id, scores);
	submit_commit(commitment, signature)
}

/// `who` reveals `scores` for `id`.
pub(crate) fn reveal(who: AccountId, id: u64, scores: &Scores) -> DispatchResult {
	let (reveal, signature) = signed_reveal(who, id, scores);
	submit_reveal(reveal, signature)
}

/// Each attestor commits to its result, then each reveals it, in order.
pub(crate) fn attest(id: u64, results: &[(AccountId, Scores)]) {
	for (who, scores) in results {
		assert_ok!(commit(*who, id, scores));
	}
	for (who, scores) in results {
		assert_ok!(reveal(*who, id, scores));
	}
}

/// ATT1 and ATT2 (the mock's quorum) attest `scores` for `id`.
pub(crate) fn reach_quorum(id: u64, scores: Scores) {
	attest(id, &[(ATT1, scores.clone()), (ATT2, scores)]);
}
