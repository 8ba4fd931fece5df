//! Teams (志愿服务队): staff create them and name their leader; citizens
//! join with the code the leader shares (one team per person), leave, or
//! are removed by the leader; staff assign the team its spots.

use super::error::VolunteerError;
pub use super::model::{Member, MyTeam, Team, TeamDetail};
use crate::{
    audit,
    core::{Actor, Caller, Role},
    state::AppState,
};
use domain::volunteers::TeamRole;
use entity::{spot, team, team_member as member};
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, SqlErr, TransactionTrait,
};
use uuid::Uuid;

type R<T> = Result<T, VolunteerError>;

/// Who manages teams and spots: the city's staff.
pub const STAFF: [Role; 3] = [Role::Admin, Role::Dispatcher, Role::Supervisor];

const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A join code: 8 characters a person can read out and type (no 0/O, 1/I/L).
fn new_code() -> String {
    let mut rng = rand::rng();
    (0..8)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

pub(super) fn trimmed(name: &str, what: &'static str) -> R<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(VolunteerError::InvalidName { what });
    }
    Ok(name.to_owned())
}

fn unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// Staff create a team; it gets a join code to share.
pub async fn create(state: &AppState, caller: &Caller, name: &str) -> R<Team> {
    caller.require(&STAFF)?;
    let name = trimmed(name, "a team")?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let row = team::Model {
        id: Uuid::now_v7(),
        name: name.clone(),
        leader_id: None,
        join_code: new_code(),
        active: true,
        created_at: now,
        updated_at: now,
    };
    if let Err(e) = team::Entity::insert(team::ActiveModel::from(row.clone()))
        .exec_without_returning(&txn)
        .await
    {
        return Err(if unique_violation(&e) {
            VolunteerError::NameTaken { name }
        } else {
            e.into()
        });
    }
    let data = serde_json::json!({ "name": row.name });
    audit::record(
        &txn,
        Actor::of(caller),
        "team.create",
        "team",
        Some(row.id.to_string()),
        None,
        Some(data),
    )
    .await?;
    txn.commit().await?;
    summary(&state.db, row).await
}

/// Every team, by name.
pub async fn list(state: &AppState, caller: &Caller) -> R<Vec<Team>> {
    caller.require(&STAFF)?;
    let rows = team::Entity::find()
        .order_by_asc(team::Column::Name)
        .all(&state.db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for t in rows {
        out.push(summary(&state.db, t).await?);
    }
    Ok(out)
}

/// One team with its members and spots, for staff.
pub async fn get(state: &AppState, caller: &Caller, id: Uuid) -> R<TeamDetail> {
    caller.require(&STAFF)?;
    detail(state, find(&state.db, id).await?).await
}

/// Staff rename a team, or stand it down or up again (`active`; none
/// keeps it as it is). A team stood down takes no one new and no check-ins.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    name: &str,
    active: Option<bool>,
) -> R<Team> {
    caller.require(&STAFF)?;
    let name = trimmed(name, "a team")?;
    let txn = state.db.begin().await?;
    let t = find(&txn, id).await?;
    let active = active.unwrap_or(t.active);
    let row = team::ActiveModel {
        name: Set(name.clone()),
        active: Set(active),
        updated_at: Set(state.clock.now()),
        ..t.into()
    };
    let saved = match row.update(&txn).await {
        Ok(s) => s,
        Err(e) if unique_violation(&e) => return Err(VolunteerError::NameTaken { name }),
        Err(e) => return Err(e.into()),
    };
    let data = serde_json::json!({ "name": saved.name, "active": saved.active });
    audit::record(
        &txn,
        Actor::of(caller),
        "team.update",
        "team",
        Some(id.to_string()),
        None,
        Some(data),
    )
    .await?;
    txn.commit().await?;
    summary(&state.db, saved).await
}

/// Staff name the team's leader, a member of it.
pub async fn set_leader(state: &AppState, caller: &Caller, id: Uuid, user: Uuid) -> R<Team> {
    caller.require(&STAFF)?;
    let txn = state.db.begin().await?;
    let t = find(&txn, id).await?;
    let m = member::Entity::find_by_id(user).one(&txn).await?;
    if m.is_none_or(|m| m.team_id != id) {
        return Err(VolunteerError::NotAMember);
    }
    let saved = team::ActiveModel {
        leader_id: Set(Some(user)),
        updated_at: Set(state.clock.now()),
        ..t.into()
    }
    .update(&txn)
    .await?;
    let data = serde_json::json!({ "leader": user });
    audit::record(
        &txn,
        Actor::of(caller),
        "team.leader",
        "team",
        Some(id.to_string()),
        None,
        Some(data),
    )
    .await?;
    txn.commit().await?;
    summary(&state.db, saved).await
}

/// A new join code (the old one stops working): the team's leader or staff.
pub async fn rotate_code(state: &AppState, caller: &Caller, id: Uuid) -> R<Team> {
    let t = find(&state.db, id).await?;
    leads_or_staff(caller, &t)?;
    let saved = team::ActiveModel {
        join_code: Set(new_code()),
        updated_at: Set(state.clock.now()),
        ..t.into()
    }
    .update(&state.db)
    .await?;
    summary(&state.db, saved).await
}

/// A citizen joins the team whose code they have, under the name they
/// serve by. One team per person; a stood-down team takes no one.
pub async fn join(state: &AppState, caller: &Caller, code: &str, name: &str) -> R<MyTeam> {
    caller.require(&[Role::Citizen])?;
    let name = trimmed(name, "a volunteer")?;
    let code = code.trim().to_ascii_uppercase();
    let t = team::Entity::find()
        .filter(team::Column::JoinCode.eq(code))
        .filter(team::Column::Active.eq(true))
        .one(&state.db)
        .await?
        .ok_or(VolunteerError::NotFound {
            what: "team with this code",
        })?;
    if let Some(m) = member::Entity::find_by_id(caller.user_id)
        .one(&state.db)
        .await?
    {
        let other = find(&state.db, m.team_id).await?;
        return Err(VolunteerError::AlreadyInTeam { team: other.name });
    }
    let row = member::Model {
        user_id: caller.user_id,
        team_id: t.id,
        name,
        joined_at: state.clock.now(),
    };
    if let Err(e) = member::Entity::insert(member::ActiveModel::from(row))
        .exec_without_returning(&state.db)
        .await
    {
        return Err(if unique_violation(&e) {
            VolunteerError::AlreadyInTeam { team: t.name }
        } else {
            e.into()
        });
    }
    mine(state, caller).await
}

/// The caller's team, with their place in it.
pub async fn mine(state: &AppState, caller: &Caller) -> R<MyTeam> {
    let m = member::Entity::find_by_id(caller.user_id)
        .one(&state.db)
        .await?
        .ok_or(VolunteerError::NotFound { what: "team" })?;
    let t = find(&state.db, m.team_id).await?;
    let role = role_of(&t, caller.user_id);
    Ok(MyTeam {
        detail: detail(state, t).await?,
        role,
    })
}

/// The caller leaves their team (a leader cannot: staff name another first).
pub async fn leave(state: &AppState, caller: &Caller) -> R<()> {
    let m = member::Entity::find_by_id(caller.user_id)
        .one(&state.db)
        .await?
        .ok_or(VolunteerError::NotFound { what: "team" })?;
    let t = find(&state.db, m.team_id).await?;
    if t.leader_id == Some(caller.user_id) {
        return Err(VolunteerError::LeaderCannotLeave);
    }
    let txn = state.db.begin().await?;
    member::Entity::delete_by_id(caller.user_id)
        .exec(&txn)
        .await?;
    super::patrols::end_open(state, &txn, caller.user_id).await?;
    txn.commit().await?;
    Ok(())
}

/// The leader (or staff) removes a member; not the leader.
pub async fn remove(state: &AppState, caller: &Caller, id: Uuid, user: Uuid) -> R<()> {
    let t = find(&state.db, id).await?;
    leads_or_staff(caller, &t)?;
    if t.leader_id == Some(user) {
        return Err(VolunteerError::LeaderCannotLeave);
    }
    let txn = state.db.begin().await?;
    let gone = member::Entity::delete_many()
        .filter(member::Column::UserId.eq(user))
        .filter(member::Column::TeamId.eq(id))
        .exec(&txn)
        .await?;
    if gone.rows_affected == 0 {
        return Err(VolunteerError::NotFound { what: "member" });
    }
    // A removed member's open patrol ends now: it was for this team.
    super::patrols::end_open(state, &txn, user).await?;
    audit::record(
        &txn,
        Actor::of(caller),
        "team.remove_member",
        "team",
        Some(id.to_string()),
        None,
        Some(serde_json::json!({ "member": user })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The team's leader or city staff; to anyone else the team is unknown
/// (404), as another unit's case is to a unit member.
fn leads_or_staff(caller: &Caller, t: &team::Model) -> R<()> {
    if t.leader_id == Some(caller.user_id) || caller.require(&STAFF).is_ok() {
        Ok(())
    } else {
        Err(VolunteerError::NotFound { what: "team" })
    }
}

fn role_of(t: &team::Model, user: Uuid) -> TeamRole {
    if t.leader_id == Some(user) {
        TeamRole::Leader
    } else {
        TeamRole::Member
    }
}

pub(super) async fn find<C: ConnectionTrait>(db: &C, id: Uuid) -> R<team::Model> {
    team::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(VolunteerError::NotFound { what: "team" })
}

async fn summary<C: ConnectionTrait>(db: &C, t: team::Model) -> R<Team> {
    let members = member::Entity::find()
        .filter(member::Column::TeamId.eq(t.id))
        .count(db)
        .await?;
    let spots = spot::Entity::find()
        .filter(spot::Column::TeamId.eq(t.id))
        .count(db)
        .await?;
    let leader = match t.leader_id {
        Some(l) => member::Entity::find_by_id(l)
            .one(db)
            .await?
            .map(|m| Member {
                user_id: m.user_id,
                name: m.name,
                role: TeamRole::Leader,
                joined_at: m.joined_at,
            }),
        None => None,
    };
    Ok(Team {
        id: t.id,
        name: t.name,
        active: t.active,
        join_code: t.join_code,
        leader,
        members,
        spots,
    })
}

async fn detail(state: &AppState, t: team::Model) -> R<TeamDetail> {
    let members = member::Entity::find()
        .filter(member::Column::TeamId.eq(t.id))
        .order_by_asc(member::Column::JoinedAt)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|m| Member {
            role: role_of(&t, m.user_id),
            user_id: m.user_id,
            name: m.name,
            joined_at: m.joined_at,
        })
        .collect();
    let spots = spot::Entity::find()
        .filter(spot::Column::TeamId.eq(t.id))
        .order_by_asc(spot::Column::Name)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|s| super::spots::view(state, s))
        .collect();
    Ok(TeamDetail {
        team: summary(&state.db, t).await?,
        members,
        spots,
    })
}
