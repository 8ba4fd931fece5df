//! Bounded things in flight per key on this node: uploads per client
//! address, live feeds and exports per account.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

/// The slots taken per key.
#[derive(Default, Clone)]
pub struct Slots(Arc<Mutex<HashMap<String, u32>>>);

/// One of a key's slots; given back when dropped.
pub struct Slot {
    slots: Slots,
    address: String,
}

impl Slots {
    /// A slot of `address` (any key), unless it has `most` already.
    pub fn take(&self, address: &str, most: u32) -> Option<Slot> {
        let mut m = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = m.entry(address.to_owned()).or_insert(0);
        if *n >= most.max(1) {
            return None;
        }
        *n += 1;
        Some(Slot {
            slots: self.clone(),
            address: address.to_owned(),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut m = self
            .slots
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = m.get_mut(&self.address) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                m.remove(&self.address);
            }
        }
    }
}
