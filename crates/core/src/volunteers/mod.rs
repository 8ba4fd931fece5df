//! Volunteers (志愿者): teams and their members, the spots they are
//! assigned (挂包点位), and patrols (巡访) from check-in to check-out, the
//! volunteer hours (志愿时长); 劝导 records and 随手治 cases (`work`). Its
//! handlers are in the app crate.

pub mod error;
pub mod hours;
pub mod model;
pub mod moments;
pub mod patrols;
pub mod records;
pub mod rules;
pub mod spots;
pub mod teams;
pub mod work;
