//! The demo city, Hohhot (呼和浩特), loaded into an empty embedded database
//! so that a newcomer can try everything at once. Polygons are rough
//! rectangles over the urban core (40.75–40.90 N, 111.55–111.85 E, WGS-84).

use crate::auth::{Role, password};
use crate::core::LimitUnit;
use crate::geo::areas::Level;
use anyhow::Context;
use entity::{area, category, routing_rule, unit, user};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Set, TransactionTrait,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Demo accounts: (username, password, role, unit code, display name).
/// They exist only in the embedded default; the README lists them.
pub const STAFF_ACCOUNTS: &[(&str, &str, Role, &str)] = &[
    ("admin", "Admin@2026", Role::Admin, "系统管理员"),
    (
        "dispatcher",
        "Dispatch@2026",
        Role::Dispatcher,
        "受理派遣员",
    ),
    ("supervisor", "Supervise@2026", Role::Supervisor, "督办员"),
];
/// Every demo unit has one member whose username is the unit code.
pub const UNIT_PASSWORD: &str = "Unit@2026";

/// (code, name, kind, parent code)
pub const UNITS: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "hhht-cgj",
        "呼和浩特市城市管理综合执法局",
        "chengguan",
        None,
    ),
    (
        "xc-cgj",
        "新城区城市管理综合执法局",
        "chengguan",
        Some("hhht-cgj"),
    ),
    (
        "hm-cgj",
        "回民区城市管理综合执法局",
        "chengguan",
        Some("hhht-cgj"),
    ),
    (
        "yq-cgj",
        "玉泉区城市管理综合执法局",
        "chengguan",
        Some("hhht-cgj"),
    ),
    (
        "sh-cgj",
        "赛罕区城市管理综合执法局",
        "chengguan",
        Some("hhht-cgj"),
    ),
    (
        "hhht-hw",
        "呼和浩特市环境卫生服务中心",
        "huanwei",
        Some("hhht-cgj"),
    ),
    (
        "hhht-yl",
        "呼和浩特市园林绿化服务中心",
        "other",
        Some("hhht-cgj"),
    ),
    ("hhht-jj", "呼和浩特市公安局交通管理支队", "jiaojing", None),
    (
        "xc-hlr-jd",
        "新城区海拉尔路街道办事处",
        "street_office",
        Some("xc-cgj"),
    ),
    (
        "sh-rml-jd",
        "赛罕区人民路街道办事处",
        "street_office",
        Some("sh-cgj"),
    ),
];

/// Districts: (code, name, unit code, min lng, max lng, min lat, max lat, streets)
type Street = (&'static str, &'static str);
/// (code, name, unit code, min lng, max lng, min lat, max lat, streets)
type District = (
    &'static str,
    &'static str,
    &'static str,
    f64,
    f64,
    f64,
    f64,
    [Street; 2],
);
const DISTRICTS: &[District] = &[
    (
        "150102",
        "新城区",
        "xc-cgj",
        111.68,
        111.85,
        40.81,
        40.90,
        [("150102001", "海拉尔路街道"), ("150102002", "锡林路街道")],
    ),
    (
        "150103",
        "回民区",
        "hm-cgj",
        111.55,
        111.68,
        40.81,
        40.90,
        [("150103001", "中山西路街道"), ("150103002", "光明路街道")],
    ),
    (
        "150104",
        "玉泉区",
        "yq-cgj",
        111.55,
        111.68,
        40.75,
        40.81,
        [("150104001", "小召前街街道"), ("150104002", "兴隆巷街道")],
    ),
    (
        "150105",
        "赛罕区",
        "sh-cgj",
        111.68,
        111.85,
        40.75,
        40.81,
        [("150105001", "人民路街道"), ("150105002", "大学西路街道")],
    ),
];

/// 常住人口 of the demo's districts (Hohhot, 2020 census, rounded).
fn district_population(code: &str) -> Option<i64> {
    match code {
        "150102" => Some(670_000),
        "150103" => Some(430_000),
        "150104" => Some(410_000),
        "150105" => Some(950_000),
        _ => None,
    }
}

/// Who handles a small category.
#[derive(Clone, Copy)]
enum Route {
    /// One unit city-wide.
    City(&'static str),
    /// The district's 城管.
    District,
    /// The district's 城管, or a street office in its own street.
    StreetOffice,
}

/// (code, name, limit, unit, accept hours, manual review, criterion, route)
type Sub = (
    &'static str,
    &'static str,
    i32,
    LimitUnit,
    i32,
    bool,
    &'static str,
    Route,
);
const CATEGORIES: &[(&str, &str, &[Sub])] = &[
    (
        "01",
        "市容环境",
        &[
            (
                "0101",
                "暴露垃圾",
                4,
                LimitUnit::WorkHours,
                1,
                false,
                "垃圾清运完毕，地面无残留",
                Route::City("hhht-hw"),
            ),
            (
                "0102",
                "积存垃圾渣土",
                1,
                LimitUnit::WorkDays,
                2,
                true,
                "渣土清运完毕并覆盖，现场整洁",
                Route::City("hhht-hw"),
            ),
            (
                "0103",
                "道路不洁",
                4,
                LimitUnit::WorkHours,
                1,
                true,
                "路面清扫干净，无明显污渍",
                Route::City("hhht-hw"),
            ),
            (
                "0104",
                "乱涂乱画",
                2,
                LimitUnit::WorkDays,
                2,
                true,
                "涂画清除或覆盖，墙面恢复原貌",
                Route::District,
            ),
        ],
    ),
    (
        "02",
        "宣传广告",
        &[
            (
                "0201",
                "非法小广告（牛皮癣）",
                1,
                LimitUnit::WorkDays,
                2,
                false,
                "小广告清除干净，无残胶",
                Route::District,
            ),
            (
                "0202",
                "违规户外广告",
                5,
                LimitUnit::WorkDays,
                4,
                true,
                "违规广告拆除或整改到位",
                Route::District,
            ),
        ],
    ),
    (
        "03",
        "街面秩序",
        &[
            (
                "0301",
                "占道经营",
                2,
                LimitUnit::WorkHours,
                1,
                true,
                "经营者离开或入室经营，道路畅通",
                Route::District,
            ),
            (
                "0302",
                "无照游商",
                2,
                LimitUnit::WorkHours,
                1,
                true,
                "游商劝离，现场恢复秩序",
                Route::District,
            ),
            (
                "0303",
                "机动车乱停放",
                2,
                LimitUnit::WorkHours,
                1,
                true,
                "车辆驶离或依法处理",
                Route::City("hhht-jj"),
            ),
            (
                "0304",
                "非机动车乱停放",
                4,
                LimitUnit::WorkHours,
                1,
                true,
                "车辆摆放整齐，不占盲道",
                Route::StreetOffice,
            ),
            (
                "0305",
                "乱堆物料",
                1,
                LimitUnit::WorkDays,
                2,
                true,
                "物料清理完毕",
                Route::District,
            ),
        ],
    ),
    (
        "04",
        "园林绿化",
        &[
            (
                "0401",
                "树木缠绕钉挂",
                2,
                LimitUnit::WorkDays,
                2,
                true,
                "缠绕钉挂物清除，树木无损",
                Route::City("hhht-yl"),
            ),
            (
                "0402",
                "绿地破坏",
                3,
                LimitUnit::WorkDays,
                2,
                true,
                "绿地修复或补植完毕",
                Route::City("hhht-yl"),
            ),
        ],
    ),
    (
        "05",
        "公共设施",
        &[
            (
                "0501",
                "井盖破损丢失",
                2,
                LimitUnit::NaturalHours,
                1,
                false,
                "井盖更换或设置警示防护",
                Route::StreetOffice,
            ),
            (
                "0502",
                "路灯损坏",
                2,
                LimitUnit::WorkDays,
                2,
                true,
                "路灯修复正常照明",
                Route::StreetOffice,
            ),
            (
                "0503",
                "消防设施损坏",
                1,
                LimitUnit::WorkDays,
                2,
                true,
                "消防设施修复可用",
                Route::StreetOffice,
            ),
        ],
    ),
    (
        "06",
        "施工管理",
        &[
            (
                "0601",
                "施工扰民",
                4,
                LimitUnit::WorkHours,
                1,
                true,
                "施工按规定时段作业",
                Route::District,
            ),
            (
                "0602",
                "施工占道",
                1,
                LimitUnit::WorkDays,
                2,
                true,
                "围挡规范，道路恢复通行",
                Route::District,
            ),
        ],
    ),
    (
        "07",
        "不文明行为",
        &[
            (
                "0701",
                "随地吐痰",
                4,
                LimitUnit::WorkHours,
                1,
                true,
                "现场劝导教育，地面清洁",
                Route::District,
            ),
            (
                "0702",
                "乱扔垃圾",
                4,
                LimitUnit::WorkHours,
                1,
                true,
                "垃圾清理，劝导到位",
                Route::City("hhht-hw"),
            ),
            (
                "0703",
                "不文明养犬",
                1,
                LimitUnit::WorkDays,
                2,
                true,
                "劝导或依法处理到位",
                Route::District,
            ),
            (
                "0704",
                "闯红灯",
                1,
                LimitUnit::WorkDays,
                2,
                true,
                "依法处理或劝导到位",
                Route::City("hhht-jj"),
            ),
            (
                "0705",
                "骑电动车不戴头盔",
                1,
                LimitUnit::WorkDays,
                2,
                true,
                "劝导或依法处理到位",
                Route::City("hhht-jj"),
            ),
        ],
    ),
    (
        "08",
        "突发事件",
        &[
            (
                "0801",
                "道路塌陷",
                2,
                LimitUnit::NaturalHours,
                1,
                false,
                "设置警示围挡并完成抢修",
                Route::City("hhht-cgj"),
            ),
            (
                "0802",
                "积水内涝",
                2,
                LimitUnit::NaturalHours,
                1,
                false,
                "积水排除，道路通行",
                Route::City("hhht-cgj"),
            ),
        ],
    ),
];

/// The street office (unit code) serving a street, where there is one.
const STREET_OFFICES: &[(&str, &str)] = &[("150102001", "xc-hlr-jd"), ("150105001", "sh-rml-jd")];

fn rect(x0: f64, x1: f64, y0: f64, y1: f64) -> String {
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}"#
    )
}

/// Loads the demo city unless the database already has units; returns
/// whether it did.
pub async fn load_if_empty(db: &DatabaseConnection, now: crate::core::Ts) -> anyhow::Result<bool> {
    if unit::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    // Hash each distinct password once, off the async runtime.
    let hashes =
        tokio::task::spawn_blocking(|| -> anyhow::Result<HashMap<&'static str, String>> {
            let mut m = HashMap::new();
            for pw in STAFF_ACCOUNTS.iter().map(|a| a.1).chain([UNIT_PASSWORD]) {
                m.insert(pw, password::hash(pw)?);
            }
            Ok(m)
        })
        .await??;
    let txn = db.begin().await?;

    let mut units: HashMap<&str, Uuid> = HashMap::new();
    for (code, name, kind, parent) in UNITS {
        let id = Uuid::now_v7();
        unit::ActiveModel {
            id: Set(id),
            code: Set((*code).into()),
            name: Set((*name).into()),
            kind: Set((*kind).into()),
            parent_id: Set(parent.and_then(|p| units.get(p).copied())),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        units.insert(code, id);
    }

    let new_user = |username: &str, role: Role, name: &str, unit_id: Option<Uuid>, hash: &str| {
        user::ActiveModel {
            id: Set(Uuid::now_v7()),
            role: Set(role),
            openid: Set(None),
            unionid: Set(None),
            session_key: Set(None),
            username: Set(Some(username.into())),
            password_hash: Set(Some(hash.into())),
            unit_id: Set(unit_id),
            display_name: Set(name.into()),
            phone: Set(None),
            disabled: Set(false),
            wechat_openid: Set(None),
            tokens_valid_after: Set(None),
            deleted_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
    };
    for (username, pw, role, name) in STAFF_ACCOUNTS {
        let hash = hashes.get(pw).context("staff hash")?;
        new_user(username, *role, name, None, hash)
            .insert(&txn)
            .await?;
    }
    let unit_hash = hashes.get(UNIT_PASSWORD).context("unit hash")?;
    for (code, name, _, _) in UNITS {
        new_user(
            code,
            Role::UnitMember,
            name,
            units.get(code).copied(),
            unit_hash,
        )
        .insert(&txn)
        .await?;
    }

    // Areas: district ⊃ street ⊃ two grids each.
    let mut district_area: HashMap<&str, (Uuid, &str)> = HashMap::new();
    let mut street_area: HashMap<&str, (Uuid, &str)> = HashMap::new();
    let add_area = |code: String,
                    name: String,
                    level: Level,
                    parent: Option<Uuid>,
                    b: (f64, f64, f64, f64)| {
        let id = Uuid::now_v7();
        let model = area::ActiveModel {
            id: Set(id),
            code: Set(code),
            name: Set(name),
            level: Set(level),
            parent_id: Set(parent),
            geometry: Set(rect(b.0, b.1, b.2, b.3)),
            min_lng: Set(b.0),
            max_lng: Set(b.1),
            min_lat: Set(b.2),
            max_lat: Set(b.3),
            created_at: Set(now),
            population: Set(None),
        };
        (id, model)
    };
    for (code, name, unit_code, x0, x1, y0, y1, streets) in DISTRICTS {
        let (did, m) = add_area(
            (*code).into(),
            (*name).into(),
            Level::District,
            None,
            (*x0, *x1, *y0, *y1),
        );
        let mut m = m;
        m.population = Set(district_population(code));
        m.insert(&txn).await?;
        district_area.insert(code, (did, unit_code));
        let xm = (x0 + x1) / 2.0;
        let ym = (y0 + y1) / 2.0;
        for (i, (scode, sname)) in streets.iter().enumerate() {
            let (sx0, sx1) = if i == 0 { (*x0, xm) } else { (xm, *x1) };
            let (sid, m) = add_area(
                (*scode).into(),
                format!("{name}{sname}"),
                Level::Street,
                Some(did),
                (sx0, sx1, *y0, *y1),
            );
            m.insert(&txn).await?;
            street_area.insert(scode, (sid, unit_code));
            for (j, (gy0, gy1, label)) in [(ym, *y1, "北"), (*y0, ym, "南")].into_iter().enumerate()
            {
                let (_, m) = add_area(
                    format!("{scode}{:03}", j + 1),
                    format!("{sname}{label}片网格"),
                    Level::Grid,
                    Some(sid),
                    (sx0, sx1, gy0, gy1),
                );
                m.insert(&txn).await?;
            }
        }
    }

    // Categories and routing rules.
    let rule = |category_id: Option<Uuid>, area_id: Option<Uuid>, unit_id: Uuid| {
        routing_rule::ActiveModel {
            id: Set(Uuid::now_v7()),
            category_id: Set(category_id),
            area_id: Set(area_id),
            unit_id: Set(unit_id),
            created_at: Set(now),
        }
    };
    let city = *units.get("hhht-cgj").context("city unit")?;
    rule(None, None, city).insert(&txn).await?;
    for (gi, (gcode, gname, subs)) in CATEGORIES.iter().enumerate() {
        let gid = Uuid::now_v7();
        category::ActiveModel {
            id: Set(gid),
            code: Set((*gcode).into()),
            name: Set((*gname).into()),
            parent_id: Set(None),
            time_limit: Set(None),
            limit_unit: Set(None),
            accept_limit_hours: Set(None),
            manual_review: Set(true),
            close_criterion: Set(String::new()),
            sort_order: Set(i32::try_from(gi).unwrap_or(0)),
            active: Set(true),
            unsatisfied_max: Set(2),
            attributes: Set(None),
        }
        .insert(&txn)
        .await?;
        for (si, (code, name, limit, unit_kind, accept, manual, criterion, route)) in
            subs.iter().enumerate()
        {
            let cid = Uuid::now_v7();
            category::ActiveModel {
                id: Set(cid),
                code: Set((*code).into()),
                name: Set((*name).into()),
                parent_id: Set(Some(gid)),
                time_limit: Set(Some(*limit)),
                limit_unit: Set(Some(*unit_kind)),
                accept_limit_hours: Set(Some(*accept)),
                manual_review: Set(*manual),
                close_criterion: Set((*criterion).into()),
                sort_order: Set(i32::try_from(si).unwrap_or(0)),
                active: Set(true),
                unsatisfied_max: Set(2),
                attributes: Set(demo_attributes(code)),
            }
            .insert(&txn)
            .await?;
            match route {
                Route::City(u) => {
                    rule(Some(cid), None, *units.get(u).context("route unit")?)
                        .insert(&txn)
                        .await?;
                }
                Route::District | Route::StreetOffice => {
                    for (aid, ucode) in district_area.values() {
                        rule(
                            Some(cid),
                            Some(*aid),
                            *units.get(ucode).context("district unit")?,
                        )
                        .insert(&txn)
                        .await?;
                    }
                    if matches!(route, Route::StreetOffice) {
                        for (street, office) in STREET_OFFICES {
                            let (sid, _) = street_area.get(street).context("street area")?;
                            rule(
                                Some(cid),
                                Some(*sid),
                                *units.get(office).context("office unit")?,
                            )
                            .insert(&txn)
                            .await?;
                        }
                    }
                }
            }
        }
    }
    txn.commit().await?;
    tracing::info!("demo city (呼和浩特) loaded");
    Ok(true)
}

/// The demo city's 创建日历: a few indicators of the 测评体系 with their
/// units and key dates (the nodes generate the tasks). Loaded with the
/// demo city on a new embedded database, not into the test suite's.
pub async fn load_campaign(db: &DatabaseConnection, now: crate::core::Ts) -> anyhow::Result<()> {
    use domain::campaign::DateRule;
    use entity::{assessment_item as item, item_unit, key_date};
    let units: HashMap<String, Uuid> = unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.code, u.id))
        .collect();
    let districts = ["xc-cgj", "hm-cgj", "yq-cgj", "sh-cgj"];
    let opens = chrono::NaiveDate::from_ymd_opt(2027, 3, 1).context("date")?;
    #[allow(clippy::type_complexity)]
    let items: &[(
        &str,
        &str,
        Option<&str>,
        &str,
        &[&str],
        &[(&str, DateRule, i32)],
    )] = &[
        ("2", "公共环境", None, "", &[], &[]),
        (
            "2.1",
            "主次干道和背街小巷环境卫生",
            Some("2"),
            "路面干净，无暴露垃圾、无乱堆乱放；每周自查并留存照片",
            &districts,
            &[("周自查", DateRule::Weekly { weekday: 5 }, 1)],
        ),
        (
            "2.2",
            "公益广告宣传",
            Some("2"),
            "主次干道、公共场所公益广告占比不低于 25%，按月更新",
            &districts,
            &[("公益广告月度更新", DateRule::Monthly { day: 25 }, 3)],
        ),
        ("3", "迎检准备", None, "", &[], &[]),
        (
            "3.1",
            "实地测评迎检自查",
            Some("3"),
            "测评前完成全部点位自查整改，提交自查报告",
            &["hhht-cgj", "hhht-hw"],
            &[(
                "测评前点位自查",
                DateRule::BeforeWindow { opens, days: 10 },
                5,
            )],
        ),
    ];
    let txn = db.begin().await?;
    let mut ids: HashMap<&str, Uuid> = HashMap::new();
    for (code, name, parent, criterion, unit_codes, dates) in items {
        let id = Uuid::now_v7();
        item::ActiveModel {
            id: Set(id),
            code: Set((*code).into()),
            name: Set((*name).into()),
            parent_id: Set(parent.and_then(|p| ids.get(p).copied())),
            criterion: Set(Some((*criterion).to_owned()).filter(|c| !c.is_empty())),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        ids.insert(code, id);
        for u in *unit_codes {
            item_unit::ActiveModel {
                item_id: Set(id),
                unit_id: Set(*units.get(*u).context("demo unit")?),
            }
            .insert(&txn)
            .await?;
        }
        for (title, rule, lead) in *dates {
            let (kind, date, n) = rule.parts();
            key_date::ActiveModel {
                id: Set(Uuid::now_v7()),
                item_id: Set(id),
                title: Set((*title).into()),
                rule_kind: Set(kind),
                rule_date: Set(date),
                rule_n: Set(n),
                lead_working_days: Set(*lead),
                active: Set(true),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// The demo's extra questions (Open311 service definitions): a parked
/// car's plate, a manhole cover's state, the depth of standing water.
fn demo_attributes(code: &str) -> Option<String> {
    use crate::categories::attributes::{self, Attribute, AttributeValue, Datatype};
    let attr =
        |code: &str, description: &str, datatype, required, values: &[(&str, &str)]| Attribute {
            code: code.into(),
            description: description.into(),
            datatype,
            required,
            datatype_description: String::new(),
            order: 1,
            values: values
                .iter()
                .map(|(key, name)| AttributeValue {
                    key: (*key).into(),
                    name: (*name).into(),
                })
                .collect(),
        };
    let attrs = match code {
        "0303" => vec![attr(
            "plate",
            "车牌号（如能看清）",
            Datatype::String,
            false,
            &[],
        )],
        "0501" => vec![attr(
            "cover_state",
            "井盖状况",
            Datatype::Singlevaluelist,
            true,
            &[("missing", "丢失"), ("broken", "破损"), ("shifted", "移位")],
        )],
        "0802" => vec![attr(
            "depth_cm",
            "积水深度（厘米）",
            Datatype::Number,
            false,
            &[],
        )],
        _ => return None,
    };
    attributes::store(&attrs)
}
