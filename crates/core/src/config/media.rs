//! Photo limits: what one upload may be, and what a node holds at once.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MediaConfig {
    /// Largest accepted upload, in bytes.
    pub max_bytes: usize,
    /// Bytes of multipart upload bodies a node holds in memory at once,
    /// over all requests: an upload draws its declared length before it is
    /// read (a chunked one, each chunk as it arrives); one that does not fit
    /// is `503 media_busy` with Retry-After. Bytes still in the server's
    /// socket buffers are not counted. At least `max_bytes` and 64 KiB (the
    /// multipart framing).
    pub upload_budget_bytes: usize,
    /// Largest accepted pixel count (width × height), checked from the header.
    pub max_pixels: u64,
    pub max_edge: u32,
    pub thumb_edge: u32,
    pub jpeg_quality: u8,
    /// Photos processed at once; further uploads wait up to `queue_wait_ms`, then 503.
    pub workers: usize,
    pub queue_wait_ms: u64,
    /// Bytes of decoded pixels (and a progressive JPEG's coefficients) the
    /// node's decodes hold at once, estimated from each header before it
    /// is decoded: one that does not fit waits up to `queue_wait_ms`, then
    /// `503`; one larger than the whole budget is `422 image_too_costly`.
    pub decode_budget_bytes: u64,
    /// Seconds one decode may take; longer is `422 decode_timeout` (its
    /// thread finishes on its own, holding its budget until then).
    pub decode_secs: u64,
    /// Scans a JPEG may have (a progressive photo has about 10): more is
    /// `422 too_many_scans`, before any is decoded.
    pub max_scans: u32,
    /// Lifetime of signed photo URLs, seconds.
    pub url_ttl_secs: u64,
    /// Unattached uploads expire after this many seconds.
    pub unattached_ttl_secs: u64,
}

/// What multipart framing adds around the file itself, at most.
const MULTIPART_FRAMING: usize = 64 * 1024;

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            max_bytes: 15 * 1024 * 1024,
            upload_budget_bytes: 128 * 1024 * 1024,
            max_pixels: 50_000_000,
            max_edge: 2048,
            thumb_edge: 480,
            jpeg_quality: 85,
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            queue_wait_ms: 3000,
            decode_budget_bytes: 512 * 1024 * 1024,
            decode_secs: 20,
            max_scans: 64,
            url_ttl_secs: 600,
            unattached_ttl_secs: 24 * 3600,
        }
    }
}

impl MediaConfig {
    /// The largest body of an upload request.
    pub fn body_max(&self) -> usize {
        self.max_bytes.saturating_add(MULTIPART_FRAMING)
    }

    pub fn check(&self) -> Result<(), &'static str> {
        if self.upload_budget_bytes < self.body_max() {
            return Err(
                "media.upload_budget_bytes must be at least media.max_bytes + 65536: else no full-size upload could ever be taken",
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_holds_at_least_one_full_upload() {
        let mut c = MediaConfig::default();
        assert!(c.check().is_ok());
        c.upload_budget_bytes = c.max_bytes;
        assert!(c.check().is_err(), "the framing does not fit");
        c.upload_budget_bytes = c.body_max();
        assert!(c.check().is_ok());
    }
}
