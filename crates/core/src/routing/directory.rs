//! The directory: units with their tree and the routing rules, and the
//! decision of which unit a report goes to.

use crate::geo::areas::AreaShape;
use entity::{category, routing_rule, unit};

use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Units (with their tree) and routing rules.
#[derive(Default)]
pub struct Directory {
    pub units: HashMap<Uuid, unit::Model>,
    by_code: HashMap<String, Uuid>,
    rules: HashMap<(Option<Uuid>, Option<Uuid>), routing_rule::Model>,
}

/// Which area, which rule, which unit: recorded in the timeline.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub rule_id: Uuid,
    pub unit_id: Uuid,
    pub unit_code: String,
    pub unit_name: String,
    /// The area the rule names (`null`: the city-wide fallback).
    pub rule_area_code: Option<String>,
    /// small | large | any: how specific the rule's category is.
    pub rule_category: &'static str,
    /// The most specific area of the point.
    pub area_code: String,
    pub area_name: String,
}

impl Directory {
    pub fn from_parts(units: Vec<unit::Model>, rules: Vec<routing_rule::Model>) -> Self {
        let units: HashMap<Uuid, unit::Model> = units.into_iter().map(|u| (u.id, u)).collect();
        let by_code = units.values().map(|u| (u.code.clone(), u.id)).collect();
        let rules = rules
            .into_iter()
            .map(|r| ((r.category_id, r.area_id), r))
            .collect();
        Self {
            units,
            by_code,
            rules,
        }
    }

    pub fn unit(&self, id: Uuid) -> Option<&unit::Model> {
        self.units.get(&id)
    }

    pub fn unit_by_code(&self, code: &str) -> Option<&unit::Model> {
        self.by_code.get(code).and_then(|id| self.units.get(id))
    }

    /// The parent chain of a unit, nearest first (the unit itself excluded).
    pub fn ancestors(&self, id: Uuid) -> Vec<Uuid> {
        let mut out = Vec::new();
        let mut cur = self.units.get(&id).and_then(|u| u.parent_id);
        while let Some(p) = cur {
            if out.contains(&p) || out.len() > 64 {
                break;
            }
            out.push(p);
            cur = self.units.get(&p).and_then(|u| u.parent_id);
        }
        out
    }

    /// A unit and every unit below it.
    pub fn subtree(&self, id: Uuid) -> Vec<Uuid> {
        let mut out = vec![id];
        let mut i = 0;
        while i < out.len() && out.len() < 10_000 {
            let cur = out[i];
            out.extend(
                self.units
                    .values()
                    .filter(|u| u.parent_id == Some(cur) && !out.contains(&u.id))
                    .map(|u| u.id)
                    .collect::<Vec<_>>(),
            );
            i += 1;
        }
        out
    }

    /// Routes a category at a point, given the areas containing the point
    /// (most specific first).
    pub fn route(&self, areas: &[&AreaShape], category: &category::Model) -> Option<Decision> {
        let first = areas.first()?;
        let cats = [
            (Some(category.id), "small"),
            (category.parent_id, "large"),
            (None, "any"),
        ];
        let area_chain = areas.iter().map(|a| Some(a.id)).chain([None]);
        for area in area_chain {
            for (cat, level) in cats {
                if level == "large" && cat.is_none() {
                    continue;
                }
                if let Some(rule) = self.rules.get(&(cat, area))
                    && let Some(u) = self.units.get(&rule.unit_id)
                {
                    return Some(Decision {
                        rule_id: rule.id,
                        unit_id: u.id,
                        unit_code: u.code.clone(),
                        unit_name: u.name.clone(),
                        rule_area_code: area
                            .and_then(|id| areas.iter().find(|a| a.id == id))
                            .map(|a| a.code.clone()),
                        rule_category: level,
                        area_code: first.code.clone(),
                        area_name: first.name.clone(),
                    });
                }
            }
        }
        None
    }
}
