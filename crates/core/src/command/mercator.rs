//! Web Mercator positions of the case index, in a 2³² × 2³² world.

/// Web Mercator in a 2³² world: x grows east, y grows south.
pub fn project(lng: f64, lat: f64) -> (u32, u32) {
    let world = 4_294_967_296.0_f64;
    let lat = lat.clamp(-85.051_128, 85.051_128).to_radians();
    let x = (lng + 180.0) / 360.0 * world;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * world;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let clamp = |v: f64| v.clamp(0.0, world - 1.0) as u32;
    (clamp(x), clamp(y))
}

/// The WGS-84 (lat, lng) of a Web Mercator position.
pub fn unproject(x: f64, y: f64) -> (f64, f64) {
    let world = 4_294_967_296.0_f64;
    let lng = x / world * 360.0 - 180.0;
    let n = std::f64::consts::PI * (1.0 - 2.0 * y / world);
    (n.sinh().atan().to_degrees(), lng)
}
