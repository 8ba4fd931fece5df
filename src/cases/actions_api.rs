//! The lifecycle actions of `api-docs/contract.md` §2 over HTTP: each handler extracts the
//! body, runs one action through the case-loop shell and answers with the
//! case as the caller now sees it.

use super::{
    dto::{
        ActionBody, CaseView, DispatchBody, DuplicateBody, ExtensionDecision, ExtensionRequest,
        NotedBody, ResolveBody, VerifyBody, VerifyOutcome,
    },
    service::{self, Action},
    transition::Command,
    views,
};
use crate::{api::Tag, auth::BearerAuth, error::Res, geo::coords::CoordSystem, state::AppState};
use poem::web::Data;
use poem_openapi::{OpenApi, param::Path, payload::Json};
use uuid::Uuid;

pub struct CaseActionsApi;

/// Runs an action, then answers with the case as the caller now sees it.
async fn run(
    state: &AppState,
    auth: &BearerAuth,
    id: Uuid,
    expected: i32,
    note: Option<String>,
    action: impl Into<Action>,
) -> Res<Json<CaseView>, ActionErrors> {
    let case = service::act(state, &auth.0, id, expected, note, action.into()).await?;
    let case = views::show(state, &auth.0, case).await?;
    Ok(Json(CaseView::of(state, case, CoordSystem::Wgs84)))
}

#[OpenApi(prefix_path = "/api/v1", tag = "Tag::Cases")]
impl CaseActionsApi {
    /// Accept (受理/立案) — dispatcher
    ///
    /// `submitted` → `accepted`.
    #[oai(
        path = "/cases/:id/accept",
        method = "post",
        operation_id = "acceptCase"
    )]
    async fn accept(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<ActionBody>,
    ) -> Res<Json<CaseView>, ActionErrors> {
        run(
            &state,
            &auth,
            id.0,
            body.expected_version,
            body.0.note,
            Command::Accept,
        )
        .await
    }

    /// Reject (不予受理) — dispatcher
    ///
    /// `submitted`/`accepted` → `rejected`. The note (required) is the
    /// reason the citizen sees.
    #[oai(
        path = "/cases/:id/reject",
        method = "post",
        operation_id = "rejectCase"
    )]
    async fn reject(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<NotedBody>,
    ) -> Res<Json<CaseView>, ActionErrors> {
        run(
            &state,
            &auth,
            id.0,
            body.expected_version,
            Some(body.0.note),
            Command::Reject,
        )
        .await
    }

    /// Mark as a duplicate (重复) — dispatcher
    ///
    /// `submitted`/`accepted` → `duplicate`, merged into `duplicateOf`; the
    /// citizen is told which case carries on.
    #[oai(
        path = "/cases/:id/mark-duplicate",
        method = "post",
        operation_id = "markDuplicate"
    )]
    async fn mark_duplicate(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<DuplicateBody>,
    ) -> Res<Json<CaseView>, ActionErrors> {
        let of = body.duplicate_of;
        run(
            &state,
            &auth,
            id.0,
            body.expected_version,
            body.0.note,
            Action::MarkDuplicate { of },
        )
        .await
    }

    /// Dispatch or re-dispatch (派遣/改派) — dispatcher
    ///
    /// To `unitCode`, or the unit routing chose. Starts the accept and
    /// handling clocks on the working calendar. From `submitted` it accepts
    /// first.
    #[oai(
        path = "/cases/:id/dispatch",
        method = "post",
        operation_id = "dispatchCase"
    )]
    async fn dispatch(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<DispatchBody>,
    ) -> Res<Json<CaseView>, ActionErrors> {
        let b = body.0;
        run(
            &state,
            &auth,
            id.0,
            b.expected_version,
            b.note,
            Command::Dispatch {
                unit_code: b.unit_code,
            },
        )
        .await
    }

    /// Claim (接单) — unit member
    ///
    /// `dispatched`/`reopened` → `in_progress`.
    #[oai(path = "/cases/:id/claim", method = "post", operation_id = "claimCase")]
    async fn claim(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<ActionBody>,
    ) -> Res<Json<CaseView>, ActionErrors> {
        run(
            &state,
            &auth,
            id.0,
            body.expected_version,
            body.0.note,
            Command::Claim,
        )
        .await
    }

    /// Return a wrong dispatch (回退) — unit member
    ///
    /// `dispatched`/`in_progress` → `returned`, with a note (required).
    #[oai(
        path = "/cases/:id/return",
        method = "post",
        operation_id = "returnCase"
    )]
    async fn return_case(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<NotedBody>,
    ) -> Res<Json<CaseView>, ActionErrors> {
        run(
            &state,
            &auth,
            id.0,
            body.expected_version,
            Some(body.0.note),
            Command::Return,
        )
        .await
    }

    /// Resolve (处置反馈) — unit member
    ///
    /// `in_progress` → `resolved`, with 1–9 after-photos.
    #[oai(
        path = "/cases/:id/resolve",
        method = "post",
        operation_id = "resolveCase"
    )]
    async fn resolve(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<ResolveBody>,
    ) -> Res<Json<CaseView>, ActionErrors> {
        let b = body.0;
        run(
            &state,
            &auth,
            id.0,
            b.expected_version,
            b.note,
            Command::Resolve {
                media_ids: b.media_ids,
            },
        )
        .await
    }

    /// Verify (核查) — dispatcher
    ///
    /// `resolved` → `closed` (结案) or `reopened` (返工, note required; the
    /// handling clock starts again). A volunteer's 随手治 (channel
    /// `self_fix`) that no unit has had yet: closing it earns the
    /// volunteer their points; reopening it dispatches it to the routed
    /// unit (`dispatched`, with both clocks), `422 no_unit` when routing
    /// found none (then dispatch it to a unit). Such a case may also be
    /// dispatched or rejected while it waits.
    #[oai(
        path = "/cases/:id/verify",
        method = "post",
        operation_id = "verifyCase"
    )]
    async fn verify(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<VerifyBody>,
    ) -> Res<Json<CaseView>, ActionErrors> {
        let close = body.outcome == VerifyOutcome::Close;
        run(
            &state,
            &auth,
            id.0,
            body.expected_version,
            body.0.note,
            Command::Verify { close },
        )
        .await
    }

    /// Suspend (挂账) — dispatcher
    ///
    /// `accepted`/`dispatched`/`returned`/`in_progress`/`reopened` →
    /// `suspended`; the clock stops with the time left kept. A note
    /// (required) says why.
    #[oai(
        path = "/cases/:id/suspend",
        method = "post",
        operation_id = "suspendCase"
    )]
    async fn suspend(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<NotedBody>,
    ) -> Res<Json<CaseView>, ActionErrors> {
        run(
            &state,
            &auth,
            id.0,
            body.expected_version,
            Some(body.0.note),
            Command::Suspend,
        )
        .await
    }

    /// Resume — dispatcher
    ///
    /// `suspended` → the state it was suspended from; the clock restarts
    /// with the time that was left.
    #[oai(
        path = "/cases/:id/resume",
        method = "post",
        operation_id = "resumeCase"
    )]
    async fn resume(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<ActionBody>,
    ) -> Res<Json<CaseView>, ActionErrors> {
        run(
            &state,
            &auth,
            id.0,
            body.expected_version,
            body.0.note,
            Command::Resume,
        )
        .await
    }

    /// Escalate (督办) — supervisor
    ///
    /// One level up the unit tree from the unit (or the last escalation);
    /// the unit above is notified. `409 no_higher_unit` at the top.
    #[oai(
        path = "/cases/:id/escalate",
        method = "post",
        operation_id = "escalateCase"
    )]
    async fn escalate(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<ActionBody>,
    ) -> Res<Json<CaseView>, ActionErrors> {
        run(
            &state,
            &auth,
            id.0,
            body.expected_version,
            body.0.note,
            Command::Escalate,
        )
        .await
    }

    /// Request an extension (延期) — unit member
    ///
    /// While the handling clock runs; one pending request at a time.
    #[oai(
        path = "/cases/:id/extensions",
        method = "post",
        operation_id = "requestExtension"
    )]
    async fn request_extension(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<ExtensionRequest>,
    ) -> Res<Json<CaseView>, ActionErrors> {
        let b = body.0;
        let action = Action::RequestExtension {
            amount: b.amount,
            unit: b.limit_unit,
        };
        run(
            &state,
            &auth,
            id.0,
            b.expected_version,
            Some(b.reason),
            action,
        )
        .await
    }

    /// Decide an extension — dispatcher
    ///
    /// Approval moves the deadline by the amount asked for (on the working
    /// calendar when the limit is in working time) and re-arms the warning.
    #[oai(
        path = "/cases/:id/extensions/:eid/decision",
        method = "post",
        operation_id = "decideExtension"
    )]
    async fn decide_extension(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        eid: Path<Uuid>,
        body: Json<ExtensionDecision>,
    ) -> Res<Json<CaseView>, ActionErrors> {
        let b = body.0;
        let action = Action::DecideExtension {
            id: eid.0,
            approve: b.approve,
        };
        run(&state, &auth, id.0, b.expected_version, b.note, action).await
    }
}

crate::error_set!(ActionErrors: 400, 401, 403, 404, 409, 413, 415, 422);
