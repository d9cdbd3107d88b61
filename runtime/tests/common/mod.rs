//! What the runtime-level tests share: the `development` preset's externalities, signed
//! origins, balance totals and Alice's authorized attestation.

#![allow(dead_code)] // each test binary uses its own part

use frame_support::traits::fungible::Inspect;
use sp_keyring::Sr25519Keyring::Alice;
use sp_runtime::BuildStorage;
use tributary_runtime::{
	AccountId, Attribution, Balances, Runtime, RuntimeGenesisConfig, RuntimeOrigin, System,
};

/// Externalities with the `development` preset's genesis (Alice validates and attests).
pub fn dev_ext() -> sp_io::TestExternalities {
	let patch: serde_json::Value = serde_json::from_slice(
		&tributary_runtime::genesis_config_presets::get_preset(&"development".into()).unwrap(),
	)
	.unwrap();
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut config, patch);
	let genesis: RuntimeGenesisConfig = serde_json::from_value(config).unwrap();
	let mut ext: sp_io::TestExternalities = genesis.build_storage().unwrap().into();
	ext.execute_with(|| System::set_block_number(1));
	ext
}

pub fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	use serde_json::Value;
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) => {
			for (k, v) in patch {
				merge(base.entry(k).or_insert(Value::Null), v);
			}
		}
		(base, patch) => *base = patch,
	}
}

pub fn signed(who: &AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.clone())
}

pub fn total(accounts: &[AccountId]) -> u128 {
	// Free and held: stakers' rewards wait on hold in the reward account.
	accounts.iter().map(|a| Balances::total_balance(a)).sum()
}

/// Applies `call` as an authorized general transaction through the runtime's real
/// transaction-extension pipeline (what the off-chain worker submits), in a fresh block.
pub fn apply_authorized(
	call: pallet_attribution::Call<Runtime>,
) -> sp_runtime::ApplyExtrinsicResult {
	use frame_system::offchain::CreateAuthorizedTransaction;
	use sp_runtime::traits::Header as _;
	let xt = <Runtime as CreateAuthorizedTransaction<pallet_attribution::Call<Runtime>>>::create_authorized_transaction(call.into());
	let number = System::block_number() + 1;
	let header = tributary_runtime::Header::new(
		number,
		Default::default(),
		Default::default(),
		System::parent_hash(),
		Default::default(),
	);
	tributary_runtime::Executive::initialize_block(&header);
	tributary_runtime::Executive::apply_extrinsic(xt)
}

/// Alice (the dev attestor) commits to and then reveals `scores` for `inference`, each as an
/// authorized transaction signed by her `attr` key.
pub fn alice_attests(inference: u64, scores: pallet_attribution::Scores) {
	use pallet_attribution::{
		commitment_hash, result_hash, signed_bytes, Commitment, Reveal, COMMIT_DOMAIN,
		ENGINE_VERSION, REVEAL_DOMAIN,
	};
	use sp_core::Pair;
	let pair = Alice.pair();
	let key = tributary_runtime::AttestorId::from(pair.public());
	let alice = Alice.to_account_id();
	let salt = [3u8; 32];
	let index_hash = pallet_attribution::Inferences::<Runtime>::get(inference).unwrap().index_hash;
	let result = result_hash(ENGINE_VERSION, inference, &index_hash, &scores);
	let commitment = Commitment {
		inference,
		key: key.clone(),
		commitment: commitment_hash(&result, &alice, &salt),
	};
	let genesis = Attribution::genesis_hash();
	let signature = pair.sign(&signed_bytes(COMMIT_DOMAIN, &genesis, &commitment)).into();
	let nonce = System::account_nonce(&alice);
	let balance = Balances::balance(&alice);
	assert_eq!(
		apply_authorized(pallet_attribution::Call::commit_attribution { commitment, signature }),
		Ok(Ok(()))
	);
	let reveal = Reveal { inference, key, salt, scores };
	let signature = pair.sign(&signed_bytes(REVEAL_DOMAIN, &genesis, &reveal)).into();
	assert_eq!(
		apply_authorized(pallet_attribution::Call::reveal_attribution { reveal, signature }),
		Ok(Ok(()))
	);
	assert_eq!(System::account_nonce(&alice), nonce, "authorized transactions use no nonce");
	assert!(Balances::balance(&alice) >= balance, "and pay no fee");
}
