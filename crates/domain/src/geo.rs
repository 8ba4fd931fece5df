//! Coordinates: validated newtypes, the datum a client speaks, and the
//! WGS-84 ⇄ GCJ-02 transform (points outside China are not shifted).

/// Which datum a coordinate is in. WeChat's map and `wx.getLocation({type:'gcj02'})`
/// speak GCJ-02; GPS, Open311 and GeoJSON speak WGS-84.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "openapi",
    derive(poem_openapi::Enum),
    oai(rename_all = "lowercase")
)]
pub enum CoordSystem {
    #[default]
    Wgs84,
    Gcj02,
}

crate::vocabulary! {
    stored;
    /// Area level.
    // Stored in `areas.level`; most general first, so a child's level is
    // its parent's plus one.
    #[derive(PartialOrd, Ord, Default)]
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "lowercase")
    )]
    pub enum AreaLevel {
        /// 区.
        #[default]
        District = "district",
        /// 街道.
        Street = "street",
        /// 单元网格.
        Grid = "grid",
    }
}

impl AreaLevel {
    /// The level in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::District => "区",
            Self::Street => "街道",
            Self::Grid => "网格",
        }
    }
}

/// A validated WGS-84 point; the only form stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wgs84 {
    lat: f64,
    lng: f64,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("latitude must be within −90…90 and longitude within −180…180 (got {lat}, {lng})")]
pub struct OutOfRange {
    pub lat: f64,
    pub lng: f64,
}

impl Wgs84 {
    /// Parses a client's point in `system`, converting GCJ-02 to WGS-84.
    pub fn parse(lat: f64, lng: f64, system: CoordSystem) -> Result<Self, OutOfRange> {
        if !lat.is_finite()
            || !lng.is_finite()
            || !(-90.0..=90.0).contains(&lat)
            || !(-180.0..=180.0).contains(&lng)
        {
            return Err(OutOfRange { lat, lng });
        }
        Ok(match system {
            CoordSystem::Wgs84 => Self { lat, lng },
            CoordSystem::Gcj02 => {
                let (lng, lat) = coordtransform::gcj02_to_wgs84(lng, lat);
                Self { lat, lng }
            }
        })
    }

    /// A point read back from storage.
    pub fn from_stored(lat: f64, lng: f64) -> Self {
        Self { lat, lng }
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lng(self) -> f64 {
        self.lng
    }

    /// This point as (lat, lng) in the datum a client asked for.
    pub fn in_system(self, system: CoordSystem) -> (f64, f64) {
        match system {
            CoordSystem::Wgs84 => (self.lat, self.lng),
            CoordSystem::Gcj02 => {
                let (lng, lat) = coordtransform::wgs84_to_gcj02(self.lng, self.lat);
                (lat, lng)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcj02_round_trip_in_hohhot_is_within_a_few_metres() {
        let wgs = Wgs84::from_stored(40.8175, 111.7652);
        let (lat, lng) = wgs.in_system(CoordSystem::Gcj02);
        assert!(
            (lng - wgs.lng()).abs() > 0.001,
            "GCJ-02 must be shifted in China"
        );
        let back = Wgs84::parse(lat, lng, CoordSystem::Gcj02).unwrap_or(wgs);
        assert!((back.lat() - wgs.lat()).abs() < 0.00005);
        assert!((back.lng() - wgs.lng()).abs() < 0.00005);
    }

    #[test]
    fn points_outside_china_are_not_shifted() {
        assert_eq!(
            Wgs84::parse(48.8566, 2.3522, CoordSystem::Gcj02),
            Ok(Wgs84::from_stored(48.8566, 2.3522))
        );
    }

    #[test]
    fn out_of_range_is_refused() {
        for (lat, lng) in [(91.0, 0.0), (0.0, 181.0), (f64::NAN, 0.0), (-90.5, 10.0)] {
            assert!(
                Wgs84::parse(lat, lng, CoordSystem::Wgs84).is_err(),
                "{lat},{lng}"
            );
        }
    }
}
