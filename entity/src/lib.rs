//! sea-orm entities for Suishoupai. Generated-style models only: no behaviour
//! lives here (services in the app crate own the rules).

pub mod api_key;
pub mod area;
pub mod assessment_item;
pub mod audit_log;
pub mod calendar_task;
pub mod case_counter;
pub mod case_event;
pub mod case_follower;
pub mod case_link;
pub mod cases;
pub mod category;
pub mod content_check;
pub mod extension;
pub mod holiday_day;
pub mod idempotency_key;
pub mod item_unit;
pub mod key_date;
pub mod media;
pub mod moment;
pub mod open311_request;
pub mod outbox;
pub mod patrol;
pub mod persuasion;
pub mod points_entry;
pub mod redemption;
pub mod reward;
pub mod routing_rule;
pub mod session;
pub mod setting;
pub mod spot;
pub mod task_file;
pub mod team;
pub mod team_member;
pub mod unit;
pub mod user;
