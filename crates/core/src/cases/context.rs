//! What the cases feature holds on a node.

use super::numbers::CaseNumbers;
use crate::config::Config;

/// This node's block of case numbers.
pub struct Context {
    /// This node's reserved block of case numbers.
    pub numbers: CaseNumbers,
}

impl Context {
    pub fn new(config: &Config) -> Self {
        Self {
            numbers: CaseNumbers::new(config.reports.case_number_block),
        }
    }
}
