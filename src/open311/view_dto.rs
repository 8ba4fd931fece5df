//! What the GeoReport reads answer, as Open311 writes it: services from
//! the categories catalogue, service requests from what `service` found;
//! and the limit on anonymous reads.

use super::{
    dto::{
        Service, ServiceAttribute, ServiceAttributeValue, ServiceDefinition, ServiceRequest,
        TokenAnswer,
    },
    service::{Found, ServiceStatus},
};
use crate::{
    categories::{attributes, catalog::Category},
    core::{LimitUnit, Ts, time::china},
    error::ApiError,
    state::AppState,
};
use chrono::{DateTime, FixedOffset, SubsecRound};

fn limit_text(c: &Category) -> String {
    let unit = match c.limit_unit {
        Some(LimitUnit::WorkDays) => "个工作日",
        Some(LimitUnit::NaturalHours) => "小时（自然时）",
        Some(LimitUnit::WorkHours) | None => "个工作时",
    };
    let limit = c.time_limit.unwrap_or_default();
    if c.close_criterion.is_empty() {
        format!("处置时限 {limit} {unit}")
    } else {
        format!("处置时限 {limit} {unit}；结案标准：{}", c.close_criterion)
    }
}

/// Every 小类 that can be reported, by code, its 大类 as `group`.
pub fn services(state: &AppState) -> Vec<Service> {
    let cats = state.categories.get();
    let mut subs: Vec<_> = cats
        .all()
        .filter(|c| c.active && c.parent_id.is_some())
        .collect();
    subs.sort_by(|a, b| a.code.cmp(&b.code));
    subs.into_iter()
        .map(|c| {
            let group = c
                .parent_id
                .and_then(|p| cats.by_id(p))
                .map(|g| g.name.clone())
                .unwrap_or_default();
            Service {
                service_code: c.code.clone(),
                service_name: c.name.clone(),
                description: limit_text(c),
                metadata: !attributes::load(c.attributes.as_deref()).is_empty(),
                kind: "realtime".into(),
                keywords: format!("{group},{},{}", c.name, c.code),
                group,
            }
        })
        .collect()
}

/// A service's attributes; an unknown or inactive service is `404`.
pub fn definition(state: &AppState, code: &str) -> Result<ServiceDefinition, ApiError> {
    let cats = state.categories.get();
    let c = cats
        .reportable(code)
        .ok_or_else(|| ApiError::not_found("service"))?;
    Ok(ServiceDefinition {
        service_code: c.code.clone(),
        attributes: attributes::load(c.attributes.as_deref())
            .into_iter()
            .map(|a| ServiceAttribute {
                variable: true,
                datatype: a.datatype.as_str().into(),
                code: a.code,
                required: a.required,
                datatype_description: a.datatype_description,
                order: a.order,
                description: a.description,
                values: a
                    .values
                    .into_iter()
                    .map(|v| ServiceAttributeValue {
                        key: v.key,
                        name: v.name,
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// Anonymous reads, limited per client address.
pub async fn limit_reads(state: &AppState, req: &poem::Request) -> Result<(), ApiError> {
    let ip = crate::web::client_ip(state, req);
    crate::web::limit(
        state,
        &[crate::infra::shared::Bucket {
            scope: "open311_read",
            key: &ip,
            per_minute: state.config.limits.open311_reads_per_ip,
        }],
    )
    .await
}

fn w3c(t: Ts) -> DateTime<FixedOffset> {
    china(t).trunc_subsecs(0)
}

/// Found requests as service requests: the latest public timeline step of
/// each as its `status_notes`, its unit's name, the photo URL an
/// integrator gave.
pub fn requests(state: &AppState, found: Vec<Found>) -> Vec<ServiceRequest> {
    let (cats, dir) = (state.categories.get(), state.directory.get());
    found
        .into_iter()
        .map(|f| {
            let r = f.case;
            let status = Some(r.status);
            let cat = cats.by_id(r.category_id);
            let notes = f.last_public.map(|(to, note)| {
                let label = to.label();
                match note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                    Some(n) => format!("{label}：{n}"),
                    None => label.to_owned(),
                }
            });
            ServiceRequest {
                service_request_id: r.case_no,
                status: status
                    .map_or(ServiceStatus::Open, ServiceStatus::of)
                    .as_str()
                    .into(),
                status_notes: notes,
                service_name: cat.map(|c| c.name.clone()).unwrap_or_default(),
                service_code: cat.map(|c| c.code.clone()).unwrap_or_default(),
                description: r.description,
                agency_responsible: r.unit_id.and_then(|u| dir.unit(u)).map(|u| u.name.clone()),
                service_notice: None,
                requested_datetime: w3c(r.created_at),
                updated_datetime: w3c(r.updated_at),
                expected_datetime: r.due_at.map(w3c),
                address: r.address,
                address_id: None,
                zipcode: None,
                lat: r.lat,
                long: r.lng,
                media_url: f.media_url,
            }
        })
        .collect()
}

/// What a token stands for.
pub fn token(case_no: String, token: &str) -> Vec<TokenAnswer> {
    vec![TokenAnswer {
        service_request_id: case_no,
        token: token.to_owned(),
    }]
}
