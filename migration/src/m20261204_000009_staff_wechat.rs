//! A staff or unit account bound to a WeChat (`users.wechat_openid`), so that
//! a field worker's next login in the mini-program is one tap. Kept apart
//! from `openid`, which is the citizen identity of the same WeChat: one
//! person can be a citizen and a unit member from one phone.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000009_staff_wechat"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    WechatOpenid,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(ColumnDef::new(Users::WechatOpenid).string().null())
                .to_owned(),
        )
        .await?;
        // One account per WeChat (several NULLs are allowed on both backends).
        m.create_index(
            Index::create()
                .name("users_wechat_openid_key")
                .table(Users::Table)
                .col(Users::WechatOpenid)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("users_wechat_openid_key")
                .table(Users::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .drop_column(Users::WechatOpenid)
                .to_owned(),
        )
        .await
    }
}
