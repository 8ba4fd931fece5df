//! Who is calling: the role and, for unit members, the unit; and who acted,
//! for timelines and the audit log.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::vocabulary! {
    stored;
    /// Who a user is to the system.
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "snake_case")
    )]
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Role {
        /// 市民: reports problems and rates results.
        Citizen = "citizen",
        /// Manages categories, units, areas, routing, calendar and accounts.
        Admin = "admin",
        /// 受理员/派遣员: reviews, dispatches, verifies.
        Dispatcher = "dispatcher",
        /// 督办: watches overdue work and indicators.
        Supervisor = "supervisor",
        /// 责任单位 member: handles its unit's cases.
        UnitMember = "unit_member",
        /// An Open311 integrator (a 12345 hotline, an app): files reports
        /// through its api_key; never logs in.
        Integrator = "integrator",
    }
}

impl Role {
    /// The role in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Citizen => "市民",
            Self::Admin => "管理员",
            Self::Dispatcher => "派遣员",
            Self::Supervisor => "督办员",
            Self::UnitMember => "责任单位",
            Self::Integrator => "对接系统",
        }
    }

    /// City staff: see every case.
    pub fn is_city_staff(self) -> bool {
        matches!(self, Self::Dispatcher | Self::Supervisor | Self::Admin)
    }
}

crate::vocabulary! {
    /// The role of a staff or unit account (every role but citizen, who log
    /// in with WeChat).
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "snake_case")
    )]
    pub enum StaffRole {
        /// Manages categories, units, areas, routing, calendar and accounts.
        Admin = "admin",
        /// 受理员/派遣员: reviews, dispatches, verifies.
        Dispatcher = "dispatcher",
        /// 督办: watches overdue work and indicators.
        Supervisor = "supervisor",
        /// 责任单位 member: handles its unit's cases.
        UnitMember = "unit_member",
    }
}

impl StaffRole {
    /// The role in words (the same as the role's).
    pub fn label(self) -> &'static str {
        Role::from(self).label()
    }
}

impl From<StaffRole> for Role {
    fn from(r: StaffRole) -> Self {
        match r {
            StaffRole::Admin => Self::Admin,
            StaffRole::Dispatcher => Self::Dispatcher,
            StaffRole::Supervisor => Self::Supervisor,
            StaffRole::UnitMember => Self::UnitMember,
        }
    }
}

/// The authenticated caller, from a valid bearer token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: Uuid,
    pub role: Role,
    pub unit_id: Option<Uuid>,
}

/// The caller's role may not do this (403).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {} role may not do this", .role.as_str())]
pub struct Forbidden {
    pub role: Role,
}

impl Caller {
    pub fn require(&self, roles: &[Role]) -> Result<(), Forbidden> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(Forbidden { role: self.role })
        }
    }
}

/// Who did something: a caller, or the system (scheduler, CLI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub id: Option<Uuid>,
    pub role: &'static str,
}

impl Actor {
    pub const SYSTEM: Actor = Actor {
        id: None,
        role: "system",
    };

    pub fn of(c: &Caller) -> Self {
        Self {
            id: Some(c.user_id),
            role: c.role.as_str(),
        }
    }
}
