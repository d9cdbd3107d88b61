//! The off-chain worker against test doubles of the node: HTTP, PERSISTENT storage, the
//! keystore and the transaction pool.

use super::*;
use crate::{
	offchain::{index_store, span_service::hex},
	Call, Commitments, Quorum, Totals,
};
use codec::Decode;
use frame_support::{pallet_prelude::TransactionSource, traits::Authorize, traits::Hooks};
use parking_lot::RwLock;
use sp_core::{
	offchain::{
		testing::{
			OffchainState, PendingRequest, PoolState, TestOffchainExt, TestTransactionPoolExt,
		},
		OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
	},
	H256,
};
use sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt};
use std::sync::Arc;
use tributary_attribution::{Family, Index, Method};
use tributary_primitives::attestor::ATTESTOR_KEY_TYPE;

const URI: &str = "http://127.0.0.1:8899/model.idx";

/// A small logistic index over the mock's contributions 0:0, 0:1 and 1:0.
fn index_bytes() -> Vec<u8> {
	Index {
		family: Family::Logistic,
		method: Method::Exact,
		features: vec!["alcohol".into(), "malic_acid".into()],
		classes: 1,
		n_train: 30,
		l2: 0.01,
		theta: vec![0.4, -0.3, 0.1],
		projection: None,
		basis: None,
		baseline: None,
		contributors: vec![b"0:0".to_vec(), b"0:1".to_vec(), b"1:0".to_vec()],
		u: vec![0.02, 0.01, 0.003, -0.05, 0.02, -0.001, 0.01, -0.03, 0.004],
		examples: None,
	}
	.encode()
}

/// What the engine itself says the shares are (the command line's numbers).
fn engine_shares(bytes: &[u8]) -> Scores {
	let index = Index::decode(bytes).unwrap();
	let mut shares: Scores = index
		.attribute(&query(), MAX_SCORES as usize)
		.unwrap()
		.into_iter()
		.map(|(i, ppb)| {
			let (d, k) =
				tributary_attribution::parse_contribution_id(&index.contributors[i as usize])
					.unwrap();
			(c(d, k), Perbill::from_parts(ppb))
		})
		.collect();
	shares.sort_by_key(|(c, _)| *c);
	shares
}

struct Node {
	ext: sp_io::TestExternalities,
	offchain: Arc<RwLock<OffchainState>>,
	pool: Arc<RwLock<PoolState>>,
}

/// Test externalities with the off-chain doubles and a keystore holding `attestors`' keys.
fn node(attestors: &[AccountId]) -> Node {
	let mut ext = new_test_ext();
	let (offchain, offchain_state) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	let keystore = MemoryKeystore::new();
	for who in attestors {
		keystore.sr25519_generate_new(ATTESTOR_KEY_TYPE, Some(&attestor_seed(*who))).unwrap();
	}
	ext.register_extension(OffchainDbExt::new(offchain.clone()));
	ext.register_extension(OffchainWorkerExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.register_extension(KeystoreExt::new(keystore));
	Node { ext, offchain: offchain_state, pool: pool_state }
}

fn serve(state: &Arc<RwLock<OffchainState>>, body: Vec<u8>) {
	state.write().expect_request(PendingRequest {
		method: "GET".into(),
		uri: URI.into(),
		response_headers: vec![("content-length".into(), body.len().to_string())],
		response: Some(body),
		sent: true,
		..Default::default()
	});
}

/// Takes the pool's transactions, checks each is authorized, and dispatches it.
fn include(pool: &Arc<RwLock<PoolState>>) -> Vec<Call<Test>> {
	let txs: Vec<Vec<u8>> = std::mem::take(&mut pool.write().transactions);
	txs.into_iter()
		.map(|bytes| {
			let xt = Extrinsic::decode(&mut &bytes[..]).unwrap();
			let RuntimeCall::Attribution(call) = xt.function else { panic!("not ours") };
			call.authorize(TransactionSource::Local).expect("authorized call").expect("valid");
			// … and as the block applies it.
			match call.clone() {
				Call::commit_attribution { commitment, signature } => {
					assert_ok!(submit_commit(commitment, signature));
				}
				Call::reveal_attribution { reveal, signature } => {
					assert_ok!(submit_reveal(reveal, signature));
				}
				Call::commit_attributions { batch, signature } => {
					assert_ok!(Attribution::commit_attributions(authorized(), batch, signature));
				}
				Call::reveal_attributions { batch, signature } => {
					assert_ok!(Attribution::reveal_attributions(authorized(), batch, signature));
				}
				other => panic!("unexpected call {other:?}"),
			}
			call
		})
		.collect()
}

fn next_block() -> u64 {
	let n = System::block_number() + 1;
	run_to_block(n);
	n
}

#[test]
fn the_worker_commits_then_reveals_what_the_engine_computes() {
	let Node { mut ext, offchain, pool } = node(&[ATT1, ATT2]);
	ext.execute_with(|| {
		let bytes = index_bytes();
		let hash = H256(sp_io::hashing::blake2_256(&bytes));
		MockModels::set_index_at(0, hash, URI.as_bytes());
		let id = settle(0);
		serve(&offchain, bytes.clone());
		// Block 1: both local attestors commit; the index is fetched once for both.
		Attribution::offchain_worker(1);
		let calls = include(&pool);
		assert_eq!(calls.len(), 2);
		assert!(calls.iter().all(|c| matches!(c, Call::commit_attributions { .. })));
		assert_eq!(Commitments::<Test>::get(id).len(), 2);
		// Block 2: reveals, from the cache (an unexpected HTTP request would fail the test).
		let n = next_block();
		Attribution::offchain_worker(n);
		let calls = include(&pool);
		assert_eq!(calls.len(), 2);
		assert!(!Inferences::<Test>::contains_key(id), "settled by the quorum");
		assert_eq!(Totals::<Test>::get().settled_without_attribution, 0);
		// The shares paid are the engine's, to the part per billion.
		let Call::reveal_attributions { batch, .. } = &calls[0] else { panic!() };
		assert_eq!(batch.reveals.len(), 1);
		assert_eq!(batch.reveals[0].scores, engine_shares(&bytes));
		let contributors_part = 665u64;
		let expected: Vec<(AccountId, Balance)> = engine_shares(&bytes)
			.iter()
			.map(|(contribution, share)| {
				let account = match (contribution.dataset, contribution.contribution) {
					(0, 0) => C1,
					(0, 1) => C2,
					_ => C3,
				};
				(account, share.mul_floor(contributors_part))
			})
			.collect();
		for (account, amount) in expected {
			assert_eq!(unclaimed(account), amount);
		}
		// Later runs have nothing to do and evict nothing still in use.
		let n = next_block();
		Attribution::offchain_worker(n);
		assert!(pool.read().transactions.is_empty());
		assert_eq!(index_store::cached_list(), vec![(hash, 0)]);
	});
}

#[test]
fn the_worker_batches_its_attestations_per_attestor_and_model() {
	let Node { mut ext, offchain, pool } = node(&[ATT1, ATT2]);
	ext.execute_with(|| {
		let bytes = index_bytes();
		let hash = H256(sp_io::hashing::blake2_256(&bytes));
		MockModels::set_index_at(0, hash, URI.as_bytes());
		// One more than a batch holds: each attestor sends two batches of each kind.
		let batch = <<Test as crate::Config>::MaxBatch as sp_core::Get<u32>>::get() as usize;
		let ids: Vec<u64> = (0..=batch).map(|_| settle(0)).collect();
		serve(&offchain, bytes.clone());
		Attribution::offchain_worker(1);
		let calls = include(&pool);
		let sizes: Vec<usize> = calls
			.iter()
			.map(|c| match c {
				Call::commit_attributions { batch, .. } => batch.commitments.len(),
				other => panic!("expected a batch of commitments, got {other:?}"),
			})
			.collect();
		assert_eq!(sizes, vec![batch, 1, batch, 1]);
		let n = next_block();
		Attribution::offchain_worker(n);
		let calls = include(&pool);
		assert_eq!(calls.len(), 4);
		assert!(calls.iter().all(|c| matches!(c, Call::reveal_attributions { .. })));
		for id in &ids {
			assert!(!Inferences::<Test>::contains_key(id), "inference {id} settled by the quorum");
		}
		assert_eq!(Totals::<Test>::get().inferences_settled, ids.len() as u64);
		assert_eq!(Totals::<Test>::get().settled_without_attribution, 0);
	});
}

#[test]
fn an_index_that_does_not_match_its_hash_is_never_attested_and_backs_off() {
	let Node { mut ext, offchain, pool } = node(&[ATT1]);
	ext.execute_with(|| {
		let bytes = index_bytes();
		let hash = H256(sp_io::hashing::blake2_256(&bytes));
		MockModels::set_index_at(0, hash, URI.as_bytes());
		settle(0);
		let mut swapped = bytes.clone();
		swapped[100] ^= 1;
		serve(&offchain, swapped);
		Attribution::offchain_worker(1);
		assert!(pool.read().transactions.is_empty(), "nothing attested on a wrong index");
		assert!(index_store::cached_list().is_empty());
		// Block 2 is inside the back-off (2 blocks after the first failure): no request.
		run_to_block(2);
		Attribution::offchain_worker(2);
		assert!(pool.read().transactions.is_empty());
		// Block 3: the next try, now with the right bytes.
		run_to_block(3);
		serve(&offchain, bytes);
		Attribution::offchain_worker(3);
		assert_eq!(pool.read().transactions.len(), 1);
	});
}

#[test]
fn an_index_above_the_size_bound_is_not_downloaded() {
	let Node { mut ext, offchain, pool } = node(&[ATT1]);
	ext.execute_with(|| {
		MockModels::set_index_at(0, H256::repeat_byte(7), URI.as_bytes());
		settle(0);
		// MaxIndexBytes is 1 MiB in the mock.
		offchain.write().expect_request(PendingRequest {
			method: "GET".into(),
			uri: URI.into(),
			response_headers: vec![("content-length".into(), (2u32 << 20).to_string())],
			response: Some(vec![]),
			sent: true,
			..Default::default()
		});
		Attribution::offchain_worker(1);
		assert!(pool.read().transactions.is_empty());
	});
}

#[test]
fn the_worker_only_acts_for_registered_active_attestors_without_conflicts() {
	// A node holding an unregistered key, and one whose attestor unbonded.
	let Node { mut ext, pool, .. } = node(&[99, ATT3]);
	ext.execute_with(|| {
		MockStaking::unbond(ATT3);
		settle(0);
		Attribution::offchain_worker(1);
		assert!(pool.read().transactions.is_empty());
	});
	// The model's owner never attests its own model's inferences (no request is made).
	let Node { mut ext, pool, .. } = node(&[OWNER]);
	ext.execute_with(|| {
		assert_ok!(Attribution::register_attestor_key(
			RuntimeOrigin::root(),
			OWNER,
			attestor_key(OWNER)
		));
		MockStaking::bond(OWNER);
		settle(0);
		Attribution::offchain_worker(1);
		assert!(pool.read().transactions.is_empty());
	});
}

#[test]
fn a_commitment_is_resent_only_after_its_longevity() {
	let Node { mut ext, offchain, pool } = node(&[ATT1]);
	ext.execute_with(|| {
		Quorum::<Test>::put(1);
		let bytes = index_bytes();
		MockModels::set_index_at(0, H256(sp_io::hashing::blake2_256(&bytes)), URI.as_bytes());
		let id = settle(0);
		serve(&offchain, bytes);
		Attribution::offchain_worker(1);
		// The commitment is dropped by the pool (never included).
		assert_eq!(std::mem::take(&mut pool.write().transactions).len(), 1);
		for n in 2..1 + LONGEVITY {
			run_to_block(n);
			Attribution::offchain_worker(n);
			assert!(pool.read().transactions.is_empty(), "block {n}: still in flight");
		}
		run_to_block(1 + LONGEVITY);
		Attribution::offchain_worker(1 + LONGEVITY);
		let calls = include(&pool);
		assert!(matches!(calls[..], [Call::commit_attributions { .. }]));
		// Quorum 1: the reveal follows in the next block and settles.
		let n = next_block();
		Attribution::offchain_worker(n);
		include(&pool);
		assert!(!Inferences::<Test>::contains_key(id));
	});
}

#[test]
fn an_overlapping_run_exits_at_once() {
	use sp_runtime::offchain::storage_lock::{BlockAndTime, StorageLock};
	let Node { mut ext, pool, .. } = node(&[ATT1]);
	ext.execute_with(|| {
		settle(0);
		// A run still in progress holds the worker's lock: this one does nothing (it would
		// otherwise fetch the index, and an unexpected HTTP request fails the test).
		let mut lock = StorageLock::<BlockAndTime<System>>::with_block_and_time_deadline(
			b"tributary/attribution/worker-lock",
			10,
			sp_runtime::offchain::Duration::from_millis(60_000),
		);
		let guard = lock.try_lock().expect("free");
		Attribution::offchain_worker(1);
		assert!(pool.read().transactions.is_empty());
		drop(guard);
	});
}

const SPAN_SERVICE: &str = "http://127.0.0.1:7070";

/// Tells the worker, as the node does from `--attribution-span-service`, where the span
/// service is.
fn configure_span_service() {
	sp_io::offchain::local_storage_set(
		sp_core::offchain::StorageKind::PERSISTENT,
		tributary_primitives::attestor::SPAN_SERVICE_STORAGE_KEY,
		SPAN_SERVICE.as_bytes(),
	);
}

/// The service lists `served`.
fn serve_index_list(state: &Arc<RwLock<OffchainState>>, served: &[H256]) {
	let body: String = served.iter().map(|h| format!("{}\n", hex(h))).collect();
	state.write().expect_request(PendingRequest {
		method: "GET".into(),
		uri: format!("{SPAN_SERVICE}/v1/indexes"),
		response_headers: vec![("content-length".into(), body.len().to_string())],
		response: Some(body.into_bytes()),
		sent: true,
		..Default::default()
	});
}

/// The service answers the query of a pending inference of the index `hash` with `answer`.
fn serve_span_answer(state: &Arc<RwLock<OffchainState>>, hash: &H256, answer: String) {
	let q = query();
	state.write().expect_request(PendingRequest {
		method: "POST".into(),
		uri: format!("{SPAN_SERVICE}/v1/attribute/{}?max={MAX_SCORES}", hex(hash)),
		headers: vec![("Content-Length".into(), q.len().to_string())],
		body: q,
		response_headers: vec![("content-length".into(), answer.len().to_string())],
		response: Some(answer.into_bytes()),
		sent: true,
		..Default::default()
	});
}

/// Model 0 on a span index that the configured service lists, and a pending inference of
/// it: returns the index hash and the inference.
fn span_inference(state: &Arc<RwLock<OffchainState>>) -> (H256, u64) {
	configure_span_service();
	// Never fetched from its URI (an unexpected request fails the test).
	let hash = H256::repeat_byte(0x5a);
	MockModels::set_index_at(0, hash, URI.as_bytes());
	let id = settle(0);
	serve_index_list(state, &[hash]);
	(hash, id)
}

#[test]
fn the_worker_attests_span_indexes_with_the_span_service() {
	let Node { mut ext, offchain, pool } = node(&[ATT1, ATT2]);
	ext.execute_with(|| {
		let (hash, id) = span_inference(&offchain);
		let answer = format!(
			"tributary-span {} engine={} tokenizer=1\n1:0\t400000000\n0:0\t600000000\n",
			hex(&hash),
			tributary_attribution::ENGINE_VERSION
		);
		// Asked once: both local attestors commit to the one answer.
		serve_span_answer(&offchain, &hash, answer);
		Attribution::offchain_worker(1);
		let calls = include(&pool);
		assert_eq!(calls.len(), 2);
		assert_eq!(Commitments::<Test>::get(id).len(), 2);
		// Reveals need no service (not even its list): the result was kept.
		let n = next_block();
		Attribution::offchain_worker(n);
		let calls = include(&pool);
		let Call::reveal_attributions { batch, .. } = &calls[0] else { panic!("{calls:?}") };
		assert_eq!(
			batch.reveals[0].scores,
			vec![(c(0, 0), Perbill::from_percent(60)), (c(1, 0), Perbill::from_percent(40))]
		);
		assert!(!Inferences::<Test>::contains_key(id), "settled by the quorum");
		assert_eq!(unclaimed(C1), Perbill::from_percent(60).mul_floor(665u64));
		assert_eq!(unclaimed(C3), Perbill::from_percent(40).mul_floor(665u64));
	});
}

#[test]
fn a_span_answer_for_another_index_is_never_attested() {
	let Node { mut ext, offchain, pool } = node(&[ATT1]);
	ext.execute_with(|| {
		let (hash, id) = span_inference(&offchain);
		// The service's file changed to another index between the listing and the query.
		let other = H256::repeat_byte(0x77);
		let answer = format!(
			"tributary-span {} engine={} tokenizer=1\n0:0\t1000000000\n",
			hex(&other),
			tributary_attribution::ENGINE_VERSION
		);
		serve_span_answer(&offchain, &hash, answer.clone());
		Attribution::offchain_worker(1);
		assert!(pool.read().transactions.is_empty(), "nothing submitted");
		assert!(Commitments::<Test>::get(id).is_empty());
		assert!(
			crate::offchain::ledger::get(&attestor_key(ATT1), id).is_none(),
			"nothing remembered"
		);
		// Not asked again every block (an unexpected request fails the test) …
		let retry_at = 1 + crate::offchain::no_result_retry_blocks::<Test>();
		assert!(retry_at > 2 && retry_at < 1 + TIMEOUT, "the back-off is seen before the timeout");
		while System::block_number() + 1 < retry_at {
			let n = next_block();
			Attribution::offchain_worker(n);
		}
		// … but once the back-off is over.
		serve_index_list(&offchain, &[hash]);
		serve_span_answer(&offchain, &hash, answer);
		let n = next_block();
		assert_eq!(n, retry_at);
		// (An expected request left unmade fails the test too.)
		Attribution::offchain_worker(n);
		assert!(pool.read().transactions.is_empty());
	});
}
