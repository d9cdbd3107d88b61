//! Genesis presets: `development` (`--dev`: Alice alone) and `local_testnet` (`--chain local`:
//! Alice, Bob, Charlie and Dave as validators).

use crate::{
	AccountId, AttestorId, BalancesConfig, RuntimeGenesisConfig, SudoConfig, EXISTENTIAL_DEPOSIT,
	UNIT,
};
use alloc::{string::String, vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// Balance of every endowed development account: one million TRIB.
const ENDOWMENT: u128 = 1_000_000 * UNIT;

/// The bond each genesis attestor holds: `MinAttestorBond`.
const ATTESTOR_BOND: u128 = 100 * UNIT;

/// A validator's consensus keys from a keyring's dev seed.
fn authority_keys(who: Sr25519Keyring) -> (AuraId, GrandpaId) {
	let ed = match who {
		Sr25519Keyring::Alice => Ed25519Keyring::Alice,
		Sr25519Keyring::Bob => Ed25519Keyring::Bob,
		Sr25519Keyring::Charlie => Ed25519Keyring::Charlie,
		Sr25519Keyring::Dave => Ed25519Keyring::Dave,
		Sr25519Keyring::Eve => Ed25519Keyring::Eve,
		_ => Ed25519Keyring::Ferdie,
	};
	(who.public().into(), ed.public().into())
}

/// The genesis state for the given validators, attestors (each with its account and its
/// `attr` key, here the same dev seed), attestation quorum, endowed accounts and sudo key.
fn testnet_genesis(
	validators: Vec<(AuraId, GrandpaId)>,
	attestors: Vec<Sr25519Keyring>,
	quorum: u32,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts
				.iter()
				.cloned()
				.map(|k| (k, ENDOWMENT))
				.chain(
					crate::configs::system_accounts().into_iter().map(|a| (a, EXISTENTIAL_DEPOSIT))
				)
				.collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig {
			authorities: validators.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: validators.iter().map(|x| (x.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		stake: pallet_stake::GenesisConfig {
			attestors: attestors
				.iter()
				.map(|a| (a.to_account_id(), ATTESTOR_BOND))
				.collect::<Vec<_>>(),
		},
		attribution: pallet_attribution::GenesisConfig {
			quorum,
			attestor_keys: attestors
				.iter()
				.map(|a| (a.to_account_id(), AttestorId::from(a.public())))
				.collect::<Vec<_>>(),
		},
	})
}

/// Every well-known development account (Alice … Ferdie and their stashes).
fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::iter()
		.filter(|v| v != &Sr25519Keyring::One && v != &Sr25519Keyring::Two)
		.map(|v| v.to_account_id())
		.collect()
}

/// The `--dev` chain: Alice is the only validator (and attestor, quorum 1) and the sudo key.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority_keys(Sr25519Keyring::Alice)],
		vec![Sr25519Keyring::Alice],
		1,
		dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The `--chain local` network: Alice, Bob, Charlie and Dave validate and attest (quorum 3 of
/// 4); Alice is sudo.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority_keys(Sr25519Keyring::Alice),
			authority_keys(Sr25519Keyring::Bob),
			authority_keys(Sr25519Keyring::Charlie),
			authority_keys(Sr25519Keyring::Dave),
		],
		vec![
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		],
		3,
		dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The JSON genesis patch of the preset `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	serde_json::to_string(&patch).ok().map(String::into_bytes)
}

/// The names of the presets this runtime provides.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}

#[cfg(test)]
mod tests {
	use super::*;

	/// RFC 7386 merge of `patch` into `base`.
	fn merge(base: &mut Value, patch: Value) {
		match (base, patch) {
			(Value::Object(base), Value::Object(patch)) => {
				for (k, v) in patch {
					merge(base.entry(k).or_insert(Value::Null), v);
				}
			}
			(base, patch) => *base = patch,
		}
	}

	#[test]
	fn every_preset_builds_a_genesis_state() {
		for name in preset_names() {
			let patch: Value =
				serde_json::from_slice(&get_preset(&name).expect("listed preset exists")).unwrap();
			// The node applies a preset as a JSON patch over the default config.
			let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
			merge(&mut config, patch);
			sp_io::TestExternalities::new_empty().execute_with(|| {
				frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(
					serde_json::to_vec(&config).unwrap(),
				)
				.expect("preset builds");
				let alice = Sr25519Keyring::Alice.to_account_id();
				assert_eq!(crate::Balances::free_balance(&alice), ENDOWMENT - ATTESTOR_BOND);
				assert!(pallet_stake::Attestors::<crate::Runtime>::contains_key(&alice));
				let key = AttestorId::from(Sr25519Keyring::Alice.public());
				assert_eq!(
					pallet_attribution::KeyOwners::<crate::Runtime>::get(&key),
					Some(alice.clone())
				);
				for account in crate::configs::system_accounts() {
					assert_eq!(crate::Balances::free_balance(&account), crate::EXISTENTIAL_DEPOSIT);
				}
				assert_eq!(pallet_sudo::Key::<crate::Runtime>::get(), Some(alice));
			});
		}
	}

	#[test]
	fn local_testnet_has_four_validators() {
		let json: Value =
			serde_json::from_slice(&get_preset(&PresetId::from("local_testnet")).unwrap()).unwrap();
		assert_eq!(json["aura"]["authorities"].as_array().map(|a| a.len()), Some(4));
		assert_eq!(json["grandpa"]["authorities"].as_array().map(|a| a.len()), Some(4));
		assert_eq!(json["attribution"]["quorum"], 3);
		assert_eq!(json["attribution"]["attestorKeys"].as_array().map(|a| a.len()), Some(4));
	}

	#[test]
	fn unknown_preset_is_none() {
		assert!(get_preset(&PresetId::from("mainnet")).is_none());
	}
}
