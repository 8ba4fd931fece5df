//! Photos fit to publish, and the people the district figures are per.
//!
//! A reviewer looks at a photo before the public does: `media.reviewed_at`
//! and `reviewed_by` say who and when, `review_boxes` the regions they
//! marked (faces, number plates) as JSON fractions of the stored image,
//! and `public_rev` the revision of the blurred derivative stored beside
//! the original (`media/{id}/public-{rev}.jpg` and its thumbnail).
//! `review_seq` counts the reviews begun: each claims the next number
//! before it makes anything, so two reviewers at once never share a
//! revision, and a revision (hence a public URL) is never used twice. A photo
//! reviewed and withheld has a review and no revision; a photo with no
//! review has neither, and is never public. `areas.population` (常住人口)
//! lets the public board give cases per 10,000 people. The board reads
//! closed cases by closing time (`cases_closed_board_idx`).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000020_photo_review"
    }
}

#[derive(DeriveIden)]
enum Media {
    Table,
    ReviewedAt,
    ReviewedBy,
    ReviewBoxes,
    PublicRev,
    ReviewSeq,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Status,
    ClosedAt,
    Id,
}

#[derive(DeriveIden)]
enum Areas {
    Table,
    Population,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            timestamp_with_time_zone_null(Media::ReviewedAt),
            uuid_null(Media::ReviewedBy),
            text_null(Media::ReviewBoxes),
            integer_null(Media::PublicRev),
            integer(Media::ReviewSeq).default(0).to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Media::Table)
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Areas::Table)
                .add_column(big_integer_null(Areas::Population))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("cases_closed_board_idx")
                .table(Cases::Table)
                .col(Cases::Status)
                .col(Cases::ClosedAt)
                .col(Cases::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("cases_closed_board_idx")
                .table(Cases::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Areas::Table)
                .drop_column(Areas::Population)
                .to_owned(),
        )
        .await?;
        for col in [
            Media::ReviewSeq,
            Media::PublicRev,
            Media::ReviewBoxes,
            Media::ReviewedBy,
            Media::ReviewedAt,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Media::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
