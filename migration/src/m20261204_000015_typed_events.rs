//! Timeline events' actions refuse any other value, as the statuses of
//! migration 3 and the jobs of migration 14 do (`crate::typed`).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000015_typed_events"
    }
}

const ACTIONS: &[&str] = &[
    "submit",
    "accept",
    "reject",
    "mark_duplicate",
    "dispatch",
    "redispatch",
    "claim",
    "return",
    "resolve",
    "close",
    "reopen",
    "suspend",
    "resume",
    "escalate",
    "request_extension",
    "extension_approved",
    "extension_refused",
    "rate",
    "accept_overdue",
    "warning",
    "overdue",
];

const TYPED: &[crate::typed::Typed] = &[("case_events", "id", "action", ACTIONS, false)];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::typed::add(manager, TYPED).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::typed::drop(manager, TYPED).await
    }
}
