//! serde derives work on counted structs: the hidden field gets
//! `#[serde(skip)]`, so the serialized form is unchanged, and deserializing
//! creates (and counts) a value. `cfg_attr`-gated derives get a `cfg_attr`-gated
//! skip.

use std::sync::Mutex;

use leak_audit::count;

/// Both tests make `Gated` values and one asserts its exact count: run them
/// one at a time (cargo runs tests in parallel, and the counters are global).
static SERIAL: Mutex<()> = Mutex::new(());

/// Stands for a type of another crate, serialized through a local mirror.
mod remote {
    pub struct Duration {
        pub secs: u64,
        pub nanos: u32,
    }
}

#[leak_audit::leak_audit]
mod model {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Account {
        pub user_name: String,
        pub balance: i64,
    }

    pub fn account(user_name: &str, balance: i64) -> Account {
        Account { user_name: user_name.into(), balance }
    }

    #[cfg_attr(not(any()), derive(serde::Serialize, serde::Deserialize))]
    pub struct Gated {
        pub on: bool,
    }

    pub fn gated() -> Gated {
        Gated { on: true }
    }

    /// serde's remote derive builds `Duration` from every field of
    /// the mirror: the mirror is left uncounted.
    #[derive(Serialize, Deserialize)]
    #[serde(remote = "crate::remote::Duration")]
    pub struct DurationDef {
        pub secs: u64,
        pub nanos: u32,
    }

    #[derive(Serialize, Deserialize)]
    pub struct Timeout {
        #[serde(with = "DurationDef")]
        pub after: crate::remote::Duration,
    }
}

#[test]
fn should_serialize_without_the_hidden_field() {
    let _serial = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let account = model::account("ada", 10);
    let json = serde_json::to_string(&account).unwrap();
    assert_eq!(json, r#"{"userName":"ada","balance":10}"#);
    assert_eq!(serde_json::to_string(&model::gated()).unwrap(), r#"{"on":true}"#);
}

#[test]
fn should_count_deserialized_values() {
    let _serial = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let before = count::<model::Account>();
    let account: model::Account = serde_json::from_str(r#"{"userName":"bob","balance":-1}"#).unwrap();
    assert_eq!(account, model::account("bob", -1));
    assert!(count::<model::Account>() > before);
    // `deny_unknown_fields` still rejects the hidden field's name.
    assert!(serde_json::from_str::<model::Account>(r#"{"userName":"x","balance":0,"__leak_audit":null}"#).is_err());
    let gated: model::Gated = serde_json::from_str(r#"{"on":false}"#).unwrap();
    assert!(!gated.on);
    assert_eq!(count::<model::Gated>(), 1);
}

#[test]
fn should_leave_serde_remote_mirrors_uncounted() {
    let timeout: model::Timeout = serde_json::from_str(r#"{"after":{"secs":3,"nanos":0}}"#).unwrap();
    assert_eq!(timeout.after.secs + u64::from(timeout.after.nanos), 3);
    assert_eq!(serde_json::to_string(&timeout).unwrap(), r#"{"after":{"secs":3,"nanos":0}}"#);
}
