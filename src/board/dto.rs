//! What the public board answers.

use crate::{
    board::{
        cases::{BoardCase, BoardCasePage},
        districts::{DistrictBoard, DistrictRow, RankBy},
    },
    geo::coords::Wgs84,
    state::AppState,
    web::{
        dto::{AreaRef, CategoryRef, Location, Photo},
        enums::CoordSystem,
    },
};
use chrono::{DateTime, FixedOffset};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

/// A closed case on the 曝光台.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct BoardCaseView {
    pub id: Uuid,
    /// The case number (案件编号).
    pub case_no: String,
    pub category: CategoryRef,
    /// The district (区) it lies in.
    #[oai(nullable)]
    pub district: Option<AreaRef>,
    /// What the reporter wrote (public once its check passed).
    pub description: String,
    /// The address the reporter gave or the map found.
    #[oai(nullable)]
    pub address: Option<String>,
    /// Where, in the datum asked for.
    pub location: Location,
    /// When it was reported.
    pub reported_at: DateTime<FixedOffset>,
    /// When it was closed (结案).
    pub closed_at: DateTime<FixedOffset>,
    /// Hours from the report to its closing, by the clock, one decimal.
    pub hours_taken: f64,
    /// Working hours the unit took, from dispatch to resolution (none: no
    /// unit handled it).
    #[oai(nullable)]
    pub handling_hours: Option<f64>,
    /// Resolved within its deadline (none: it had none).
    #[oai(nullable)]
    pub on_time: Option<bool>,
    /// Fixed by a volunteer on the spot (随手治), not by a unit.
    pub self_fixed: bool,
    /// The reporter's rating, 1–5, when given.
    #[oai(nullable)]
    pub rating: Option<i32>,
    /// 处置前: the reporter's photos, as published (blurred where marked).
    pub before_photos: Vec<Photo>,
    /// 处置后: the photos of the fix, as published.
    pub after_photos: Vec<Photo>,
}

/// A page of the 曝光台.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct BoardCasePageView {
    /// The cases of this page, most recently closed first.
    pub items: Vec<BoardCaseView>,
    /// Pass as `cursor` for the next page; absent at the end.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

/// The district of an area: itself or its nearest district ancestor.
fn district_of(areas: &crate::geo::areas::AreaIndex, id: Uuid) -> Option<AreaRef> {
    let mut at = areas.by_id(id)?;
    for _ in 0..4 {
        if at.level == crate::geo::areas::Level::District {
            return Some(AreaRef {
                code: at.code.clone(),
                name: at.name.clone(),
            });
        }
        at = areas.by_id(at.parent_id?)?;
    }
    None
}

#[allow(clippy::cast_precision_loss)]
fn hours(minutes: i64) -> f64 {
    (minutes as f64 / 6.0).round() / 10.0
}

impl BoardCasePageView {
    pub fn of(state: &AppState, p: BoardCasePage, system: CoordSystem) -> Self {
        let (cats, areas) = (state.categories.get(), state.areas.get());
        let ttl = state.config.media.url_ttl_secs;
        let signed = |ps: &[crate::media::stored::StoredPhoto]| -> Vec<Photo> {
            ps.iter()
                .map(|m| Photo::signed(&state.media.signer, ttl, m))
                .collect()
        };
        let view = |c: BoardCase| BoardCaseView {
            id: c.id,
            case_no: c.case_no,
            category: CategoryRef::of(&cats, c.category_id),
            district: district_of(&areas, c.area_id),
            description: c.description,
            address: c.address,
            location: Location::of(Wgs84::from_stored(c.lat, c.lng), system),
            hours_taken: hours((c.closed_at - c.reported_at).num_minutes()),
            handling_hours: c.handling_minutes.map(hours),
            on_time: c.on_time,
            self_fixed: c.self_fixed,
            rating: c.rating,
            before_photos: signed(&c.before),
            after_photos: signed(&c.after),
            reported_at: c.reported_at,
            closed_at: c.closed_at,
        };
        Self {
            items: p.items.into_iter().map(view).collect(),
            next_cursor: p.next_cursor,
        }
    }
}

/// What the districts are ranked by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Enum)]
#[oai(rename_all = "camelCase")]
pub enum RankByParam {
    /// 按期结案率, highest first.
    #[default]
    OnTimeCloseRate,
    /// 结案率, highest first.
    CloseRate,
    /// 满意率, highest first.
    SatisfactionRate,
    /// Cases per 10,000 people, fewest first.
    CasesPer10k,
}

impl From<RankByParam> for RankBy {
    fn from(r: RankByParam) -> Self {
        match r {
            RankByParam::OnTimeCloseRate => Self::OnTimeCloseRate,
            RankByParam::CloseRate => Self::CloseRate,
            RankByParam::SatisfactionRate => Self::SatisfactionRate,
            RankByParam::CasesPer10k => Self::CasesPer10k,
        }
    }
}

/// One district's month on the 红黑榜.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct DistrictView {
    /// District code.
    pub code: String,
    /// District name.
    pub name: String,
    /// 1 for the best; equal figures share a rank; none for a district
    /// with no figure to rank by (listed last).
    #[oai(nullable)]
    pub rank: Option<u32>,
    /// 派遣数: cases dispatched to units in the month.
    pub dispatched: u64,
    /// 挂账: of those, suspended now.
    pub suspended: u64,
    /// 结案数.
    pub closed: u64,
    /// 按期结案数: closed with the last resolution by the deadline.
    pub closed_on_time: u64,
    /// 评价数.
    pub rated: u64,
    /// 满意数: rated 4 or 5.
    pub satisfied: u64,
    /// 按期结案率, 0–1, four places (none: nothing counted).
    #[oai(nullable)]
    pub on_time_close_rate: Option<f64>,
    /// 结案率, 0–1.
    #[oai(nullable)]
    pub close_rate: Option<f64>,
    /// 满意率, 0–1.
    #[oai(nullable)]
    pub satisfaction_rate: Option<f64>,
    /// 常住人口, when the city gave it.
    #[oai(nullable)]
    pub population: Option<i64>,
    /// Cases dispatched per 10,000 people, two places (none: no
    /// population given).
    #[oai(nullable)]
    pub cases_per_10k: Option<f64>,
}

/// A figure and how it is counted, in words.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct Formula {
    /// The field it fills.
    pub field: String,
    /// Its name (按期结案率 …).
    pub name: String,
    /// How it is counted.
    pub formula: String,
}

/// The districts' month, ranked.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct DistrictBoardView {
    /// The month, `YYYY-MM` (China time).
    pub month: String,
    pub rank_by: RankByParam,
    /// Best first.
    pub districts: Vec<DistrictView>,
    /// Each figure's formula in words.
    pub formulas: Vec<Formula>,
}

fn places(v: Option<f64>, n: i32) -> Option<f64> {
    let k = 10f64.powi(n);
    v.map(|v| (v * k).round() / k)
}

impl DistrictView {
    fn of(r: &DistrictRow) -> Self {
        let t = &r.tally;
        Self {
            code: r.code.clone(),
            name: r.name.clone(),
            rank: r.rank,
            dispatched: t.dispatched,
            suspended: t.suspended,
            closed: t.closed,
            closed_on_time: t.closed_on_time,
            rated: t.rated,
            satisfied: t.satisfied,
            on_time_close_rate: places(r.on_time_close_rate(), 4),
            close_rate: places(r.close_rate(), 4),
            satisfaction_rate: places(r.satisfaction_rate(), 4),
            population: r.population,
            cases_per_10k: places(r.cases_per_10k(), 2),
        }
    }
}

impl DistrictBoardView {
    pub fn of(b: &DistrictBoard, rank_by: RankByParam) -> Self {
        let f = |field: &str, name: &str, formula: &str| Formula {
            field: field.into(),
            name: name.into(),
            formula: formula.into(),
        };
        Self {
            month: b.month.format("%Y-%m").to_string(),
            rank_by,
            districts: b.rows.iter().map(DistrictView::of).collect(),
            formulas: vec![
                f(
                    "onTimeCloseRate",
                    "按期结案率",
                    "本月派遣的案件中,在处置时限内完成最后一次处置并已结案的件数 ÷ (本月派遣件数 − 目前挂账件数)",
                ),
                f(
                    "closeRate",
                    "结案率",
                    "本月派遣的案件中已结案的件数 ÷ (本月派遣件数 − 目前挂账件数)",
                ),
                f(
                    "satisfactionRate",
                    "满意率",
                    "本月派遣的案件中,市民评价为4星或5星的件数 ÷ 已评价件数",
                ),
                f(
                    "casesPer10k",
                    "万人案件数",
                    "本月派遣件数 ÷ 常住人口 × 10000(数值越低越好)",
                ),
                f(
                    "rank",
                    "排名",
                    "按所选指标由优到劣排列,数值相同者并列;当月没有可计算数值的区不排名,列在最后",
                ),
            ],
        }
    }
}
