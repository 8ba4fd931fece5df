//! The case as staff and units see it, built from what the views read
//! (`views::CaseDetail`), and the reporter's identity.

use super::{
    dto::{
        CaseAction, CaseLink, CaseView, Deadlines, DuplicateCandidate, ExtensionView, RatingView,
        ReporterView, StaffTimelineEntry, UnitLink,
    },
    source,
    views::{CaseBrief, CaseDetail, Extension, Reporter, StaffEvent},
};
use crate::{
    geo::coords::{CoordSystem, Wgs84},
    media::stored::StoredPhoto,
    state::AppState,
    web::dto::{AreaRef, CategoryRef, Location, Photo},
};

impl CaseView {
    /// The view of a case, its location in `system`.
    pub fn of(state: &AppState, d: CaseDetail, system: CoordSystem) -> Self {
        let dir = state.directory.get();
        let ttl = state.config.media.url_ttl_secs;
        let photo = |p: StoredPhoto| Photo::signed(&state.media.signer, ttl, &p);
        let case = d.case;
        let k = &case.clock;
        let mut actions: Vec<CaseAction> = d.actions.iter().filter_map(CaseAction::of).collect();
        if d.may_decide_extension {
            actions.push(CaseAction::DecideExtension);
        }
        let timeline = d
            .timeline
            .into_iter()
            .map(|e| StaffTimelineEntry::of(e, photo));
        Self {
            id: case.id,
            status_label: case.status.label().into(),
            status: case.status,
            version: case.version,
            category: CategoryRef {
                code: d.category.0,
                name: d.category.1,
            },
            location: Location::of(Wgs84::from_stored(case.lat, case.lng), system),
            area: AreaRef::of(&state.areas.get(), case.area_id),
            routed_unit: UnitLink::of(&dir, case.routed_unit_id),
            unit: UnitLink::of(&dir, case.unit_id),
            deadlines: Deadlines {
                accept_due_at: k.accept_due_at,
                due_at: k.due_at,
                warn_at: k.warn_at,
                warned_at: k.warned_at,
                overdue: case.is_overdue(),
                overdue_at: k.overdue_at,
                escalation_level: k.escalation_level,
                escalated_to: UnitLink::of(&dir, k.escalated_unit_id),
                minutes_left_when_suspended: k.left_minutes,
                extended: case.extended,
                minutes_left: d.minutes_left,
            },
            suspended_from: case.suspended_from,
            duplicate_of: d.duplicate_of.map(CaseLink::from),
            duplicate_candidates: (d.duplicate_candidates.into_iter())
                .map(|(c, distance_m)| DuplicateCandidate {
                    id: c.id,
                    case_no: c.case_no,
                    status: c.status,
                    distance_m,
                })
                .collect(),
            actions,
            extensions: d.extensions.into_iter().map(ExtensionView::from).collect(),
            rating: case.rating.as_ref().map(|x| RatingView {
                score: x.score,
                comment: x.comment.clone(),
                at: x.at,
            }),
            photos: d.photos.into_iter().map(photo).collect(),
            source: source::of(case.channel, d.open311),
            followers: i64::try_from(d.followers).unwrap_or(i64::MAX),
            content_flags: d.content_flags.into_iter().map(Into::into).collect(),
            timeline: timeline.collect(),
            case_no: case.case_no,
            description: case.description,
            address: case.address,
            created_at: case.created_at,
            updated_at: case.updated_at,
        }
    }
}

impl StaffTimelineEntry {
    fn of(e: StaffEvent, photo: impl Fn(StoredPhoto) -> Photo) -> Self {
        Self {
            id: e.id,
            at: e.at,
            action: e.action,
            from_status: e.from_status,
            status: e.status,
            actor_role: e.actor_role,
            actor_name: e.actor_name,
            note: e.note,
            public: e.public,
            data: e.data,
            photos: e.photos.into_iter().map(photo).collect(),
        }
    }
}

impl From<CaseBrief> for CaseLink {
    fn from(c: CaseBrief) -> Self {
        Self {
            id: c.id,
            case_no: c.case_no,
            status: c.status,
        }
    }
}

impl From<Extension> for ExtensionView {
    fn from(e: Extension) -> Self {
        Self {
            id: e.id,
            amount: e.amount,
            limit_unit: e.limit_unit,
            reason: e.reason,
            status: e.status,
            decision_note: e.decision_note,
            created_at: e.created_at,
            decided_at: e.decided_at,
        }
    }
}

impl From<Reporter> for ReporterView {
    fn from(r: Reporter) -> Self {
        Self {
            user_id: r.user_id,
            openid: r.openid,
            phone: r.phone,
            display_name: r.display_name,
        }
    }
}
