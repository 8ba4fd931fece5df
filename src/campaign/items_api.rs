//! Keeping the indicators: one by one, retired, or imported from a sheet
//! (admins).

use super::dto::{ImportView, ItemInput, ItemOut};
use super::{ItemErrors, SheetErrors, admin, items, read_upload, sheet};
use crate::{
    api::Tag,
    auth::BearerAuth,
    error::{ApiError, ErrorCode, Res},
    state::AppState,
};
use poem::web::Data;
use poem_openapi::{
    ApiResponse, Multipart, OpenApi, param::Path, payload::Json, types::multipart::Upload,
};

/// A sheet, as a browser's form sends it.
#[derive(Debug, Multipart)]
pub struct SheetForm {
    /// The sheet: CSV (UTF-8 or GB18030) or XLSX.
    pub file: Upload,
}

#[derive(ApiResponse)]
pub enum Retired {
    /// Retired.
    #[oai(status = 204)]
    Done,
}

pub struct CampaignAdminApi;

#[OpenApi(prefix_path = "/api/v1/admin", tag = "Tag::Calendar")]
impl CampaignAdminApi {
    /// List the assessment indicators
    ///
    /// Every indicator (active first, by code) with its responsible units
    /// and its key dates; `parentCode` makes the tree. Admins.
    #[oai(
        path = "/assessment-items",
        method = "get",
        operation_id = "adminListAssessmentItems"
    )]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<Vec<ItemOut>>, ItemErrors> {
        admin(&auth)?;
        let items = items::list(&state).await?;
        Ok(Json(items.into_iter().map(ItemOut::of).collect()))
    }

    /// Create or replace an indicator
    ///
    /// By code. Its units and key dates become those given, and the coming
    /// tasks follow at once (tasks are generated a year ahead): those still
    /// open for a key date or unit dropped go; tasks handed in, and past,
    /// stay. A key date is its rule: one kept keeps its tasks, with its
    /// title and lead updated. Refusals: a rule that does not read, is
    /// listed twice, or gives more than 20,000 tasks a year with the units,
    /// `400 invalid_rule`; a blank name `400 invalid_name`; more than 2,000
    /// characters of criterion `400 invalid_criterion`; key dates without a
    /// unit, or over 100 units, `400 invalid_unit`; an unknown unit `422
    /// unknown_unit`; an unknown parent, or one below the indicator, `422
    /// invalid_parent`; the same indicator saved at the same moment, `409
    /// concurrent_update`. Admins.
    #[oai(
        path = "/assessment-items",
        method = "post",
        operation_id = "adminSaveAssessmentItem"
    )]
    async fn save(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<ItemInput>,
    ) -> Res<Json<ItemOut>, ItemErrors> {
        let actor = admin(&auth)?;
        let input = body
            .0
            .into_input()
            .map_err(|m| ApiError::bad_request(ErrorCode::InvalidRule, m))?;
        Ok(Json(ItemOut::of(items::save(&state, actor, input).await?)))
    }

    /// Retire an indicator
    ///
    /// It gives no new tasks; its coming tasks nobody was reminded of go;
    /// what was done stays, and counts. Admins.
    #[oai(
        path = "/assessment-items/:code",
        method = "delete",
        operation_id = "adminRetireAssessmentItem"
    )]
    async fn retire(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// The indicator's code.
        code: Path<String>,
    ) -> Res<Retired, ItemErrors> {
        let actor = admin(&auth)?;
        items::retire(&state, actor, &code.0).await?;
        Ok(Retired::Done)
    }

    /// Import indicators from a sheet
    ///
    /// A CSV (UTF-8, or GB18030 as Excel saves it) or XLSX sheet (its first
    /// worksheet), one row per key date, with a header row naming the
    /// columns in Chinese or English: 指标编码 `code`, 指标名称 `name`,
    /// 上级编码 `parent`, 完成标准 `criterion`, 责任单位 `units` (unit codes,
    /// separated by 、 , ; or spaces), 关键节点 `rule` (as a key date's
    /// `rule`), 节点说明 `title`, 提前工作日 `lead` (default 2). An
    /// indicator's rows share its code; a row with no rule is an indicator
    /// without key dates. All or nothing: any bad row is `422
    /// invalid_sheet` with `details.rows` listing each (`row`, the sheet's
    /// own row number; `column`; `code`; `message`), and nothing is
    /// written. A file that does not read as either, has no `code` or
    /// `name` column, more than 5,000 rows or 64 columns, or unpacks to
    /// more than 64 MB, is `400 invalid_sheet`; a body that is not
    /// multipart `415`. Admins.
    #[oai(
        path = "/assessment-items/import",
        method = "post",
        operation_id = "adminImportAssessmentItems"
    )]
    async fn import(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        form: SheetForm,
    ) -> Res<Json<ImportView>, SheetErrors> {
        let actor = admin(&auth)?;
        let (_, _, bytes) = read_upload(form.file).await?;
        Ok(Json(sheet::import(&state, actor, &bytes).await?.into()))
    }
}
