//! The case index as a file in the object store, so that a node starts
//! from it instead of reading every case (a decade of a large city is
//! minutes of reads, and every node would repeat them). The nodes that run
//! the background jobs write it every `workflow.index_snapshot_secs`; a
//! node starting reads it, then re-reads the cases whose `updated_at`
//! moved since it was covered, so it serves what the database holds.
//! A snapshot of another layout or another schema (a migration since) is
//! ignored, as is one that does not read: the node then loads from the
//! database, as it always could.
//!
//! Layout (little-endian): magic, tag, the instant it covers and the
//! instant its cases were last read in full from the database (Unix µs),
//! the number of cases, the cases in id order in chunks (ids, keys,
//! facts), the three interners, an end mark.

use super::{Data, Facts, Ids, Interner, Key};
use crate::core::{CaseStatus, Ts};
use anyhow::{Context, bail, ensure};
use std::io::{BufReader, BufWriter, Read as _, Write};
use std::sync::RwLock;
use uuid::Uuid;

/// The snapshot's key in the object store.
pub const KEY: &str = "index/cases.snap";
const MAGIC: &[u8; 8] = b"SSPIDX01";
const END: &[u8; 8] = b"SSPIDXEN";
/// Bumped with any change of what a key or facts mean.
const FORMAT: u32 = 2;
/// Cases written per read lock.
const CHUNK: usize = 65_536;
const KEY_BYTES: usize = 24;
const FACTS_BYTES: usize = 10;
const CASE_BYTES: usize = 16 + KEY_BYTES + FACTS_BYTES;

/// What a snapshot must match to be used: this layout and the schema's
/// last migration.
pub fn tag() -> String {
    use migration::MigratorTrait;
    let last = migration::Migrator::migrations()
        .last()
        .map(|m| m.name().to_owned())
        .unwrap_or_default();
    format!("{FORMAT}/{last}")
}

fn put_key(out: &mut Vec<u8>, k: &Key) {
    out.extend_from_slice(&k.x.to_le_bytes());
    out.extend_from_slice(&k.y.to_le_bytes());
    out.push(k.status as u8);
    out.push(k.flags);
    out.extend_from_slice(&k.category.to_le_bytes());
    out.extend_from_slice(&k.area.to_le_bytes());
    out.extend_from_slice(&k.unit.to_le_bytes());
    out.extend_from_slice(&k.dispatched.to_le_bytes());
    out.extend_from_slice(&k.closed.to_le_bytes());
}

fn put_facts(out: &mut Vec<u8>, f: &Facts) {
    out.extend_from_slice(&f.created.to_le_bytes());
    out.extend_from_slice(&f.handling.to_le_bytes());
    out.push(f.rating);
    out.push(f.bits);
}

const EMPTY_KEY: Key = Key {
    x: 0,
    y: 0,
    status: CaseStatus::Submitted,
    flags: 0,
    category: 0,
    area: 0,
    unit: 0,
    dispatched: 0,
    closed: 0,
};
const EMPTY_FACTS: Facts = Facts {
    created: 0,
    handling: super::NO_MINUTES,
    rating: 0,
    bits: 0,
};

fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .and_then(|s| s.try_into().ok())
        .map_or(0, u16::from_le_bytes)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .and_then(|s| s.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

fn byte_at(b: &[u8], at: usize) -> u8 {
    b.get(at).copied().unwrap_or(0)
}

fn key_of(b: &[u8]) -> anyhow::Result<Key> {
    let Some(&status) = CaseStatus::ALL.get(usize::from(byte_at(b, 8))) else {
        bail!("a case's status does not read");
    };
    Ok(Key {
        x: u32_at(b, 0),
        y: u32_at(b, 4),
        status,
        flags: byte_at(b, 9),
        category: u16_at(b, 10),
        area: u16_at(b, 12),
        unit: u16_at(b, 14),
        dispatched: u32_at(b, 16),
        closed: u32_at(b, 20),
    })
}

fn facts_of(b: &[u8]) -> Facts {
    Facts {
        created: u32_at(b, 0),
        handling: i32::from_le_bytes(u32_at(b, 4).to_le_bytes()),
        rating: byte_at(b, 8),
        bits: byte_at(b, 9),
    }
}

impl Ids {
    /// The positions in id order: the sorted run merged with the rest.
    fn in_order(&self, n: usize) -> impl Iterator<Item = usize> + '_ {
        let mut rest: Vec<(Uuid, usize)> = self
            .rest
            .iter()
            .map(|(id, &i)| (*id, i as usize))
            .filter(|(_, i)| *i < n)
            .collect();
        rest.sort_unstable();
        let run = self.sorted.min(n);
        let (mut i, mut j) = (0, 0);
        std::iter::from_fn(move || {
            let next_run = (i < run).then(|| self.all.get(i).copied()).flatten();
            let next_rest = rest.get(j).copied();
            match (next_run, next_rest) {
                (Some(a), Some((b, p))) if b < a => {
                    j += 1;
                    Some(p)
                }
                (Some(_), _) => {
                    i += 1;
                    Some(i - 1)
                }
                (None, Some((_, p))) => {
                    j += 1;
                    Some(p)
                }
                (None, None) => None,
            }
        })
    }
}

/// Writes the index to `out`, a chunk of cases per read lock (what changes
/// meanwhile is newer than `covered`, and re-read by whoever loads it).
pub fn write(
    index: &RwLock<Data>,
    (covered, full_load): (Ts, Ts),
    out: impl Write,
) -> anyhow::Result<u64> {
    let read = |f: &mut dyn FnMut(&Data)| {
        f(&index
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner));
    };
    let mut w = BufWriter::with_capacity(1 << 20, out);
    let tag = tag();
    // The order is fixed at the start: cases added meanwhile are newer.
    let mut order: Vec<u32> = Vec::new();
    read(&mut |d| {
        order = d
            .ids
            .in_order(d.len())
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
    });
    w.write_all(MAGIC)?;
    w.write_all(&u32::try_from(tag.len())?.to_le_bytes())?;
    w.write_all(tag.as_bytes())?;
    w.write_all(&covered.timestamp_micros().to_le_bytes())?;
    w.write_all(&full_load.timestamp_micros().to_le_bytes())?;
    w.write_all(&(order.len() as u64).to_le_bytes())?;
    let mut buf = Vec::with_capacity(CHUNK * CASE_BYTES);
    for chunk in order.chunks(CHUNK) {
        buf.clear();
        read(&mut |d| {
            let at = |i: &u32| *i as usize;
            for i in chunk.iter().map(at) {
                buf.extend_from_slice(d.id(i).unwrap_or_default().as_bytes());
            }
            for i in chunk.iter().map(at) {
                put_key(&mut buf, d.keys.get(i).unwrap_or(&EMPTY_KEY));
            }
            for i in chunk.iter().map(at) {
                put_facts(&mut buf, d.facts.get(i).unwrap_or(&EMPTY_FACTS));
            }
        });
        w.write_all(&buf)?;
    }
    // Last: interners only grow, so they hold every value written above.
    let mut tables = Vec::new();
    read(&mut |d| {
        for t in [&d.categories, &d.areas, &d.units] {
            tables.extend_from_slice(&(t.ids.len() as u32).to_le_bytes());
            for id in &t.ids {
                tables.extend_from_slice(id.as_bytes());
            }
        }
    });
    w.write_all(&tables)?;
    w.write_all(END)?;
    w.flush()?;
    Ok(order.len() as u64)
}

fn exact<const N: usize>(r: &mut impl std::io::Read) -> anyhow::Result<[u8; N]> {
    let mut b = [0; N];
    r.read_exact(&mut b)?;
    Ok(b)
}

/// What a snapshot read gives: the cases, the instant they cover, and
/// when they were last read in full from the database.
pub type Loaded = (Data, Ts, Ts);

/// Reads a snapshot of `len` bytes; none when it was made for another
/// layout or schema.
pub fn read(input: impl std::io::Read, len: u64) -> anyhow::Result<Option<Loaded>> {
    let mut r = BufReader::with_capacity(1 << 20, input);
    ensure!(&exact::<8>(&mut r)? == MAGIC, "not a case index snapshot");
    let tag_len = u32::from_le_bytes(exact(&mut r)?) as usize;
    ensure!(tag_len < 4096, "a snapshot's tag is short");
    let mut tag = vec![0; tag_len];
    r.read_exact(&mut tag)?;
    if tag != self::tag().as_bytes() {
        return Ok(None);
    }
    let mut instant = || -> anyhow::Result<Ts> {
        Ok(
            chrono::DateTime::from_timestamp_micros(i64::from_le_bytes(exact(&mut r)?))
                .context("the snapshot's instant")?
                .fixed_offset(),
        )
    };
    let (covered, full_load) = (instant()?, instant()?);
    let n = u64::from_le_bytes(exact(&mut r)?);
    // Never more cases than the file holds (a bad count must not reserve
    // memory for them).
    ensure!(
        n < 1 << 32 && n.saturating_mul(CASE_BYTES as u64) <= len,
        "a snapshot holds fewer cases than it says"
    );
    let n = usize::try_from(n)?;
    let mut d = Data::default();
    d.reserve(n + n / 64);
    let mut buf = Vec::new();
    let mut left = n;
    while left > 0 {
        let m = left.min(CHUNK);
        buf.resize(m * CASE_BYTES, 0);
        r.read_exact(&mut buf)?;
        let (ids, rest) = buf.split_at(m * 16);
        let (keys, facts) = rest.split_at(m * KEY_BYTES);
        for j in 0..m {
            let id = ids
                .get(j * 16..j * 16 + 16)
                .and_then(|b| Uuid::from_slice(b).ok())
                .unwrap_or_default();
            let key = key_of(keys.get(j * KEY_BYTES..).unwrap_or_default())?;
            let f = facts_of(facts.get(j * FACTS_BYTES..).unwrap_or_default());
            ensure!(
                d.ids.all.last().is_none_or(|last| *last < id),
                "a snapshot's cases are in id order, each once"
            );
            d.ids.push(id);
            d.keys.push(key);
            d.facts.push(f);
            d.widen_block(d.keys.len() - 1);
        }
        left -= m;
    }
    let mut table = || -> anyhow::Result<Interner> {
        let count = u32::from_le_bytes(exact(&mut r)?) as usize;
        ensure!(count <= usize::from(u16::MAX) + 1, "an interner too long");
        let mut ids = Vec::with_capacity(count);
        for _ in 0..count {
            ids.push(Uuid::from_bytes(exact(&mut r)?));
        }
        let t = Interner::from_ids(ids);
        ensure!(t.ids.len() == count, "an interner holds an id twice");
        Ok(t)
    };
    d.categories = table()?;
    d.areas = table()?;
    d.units = table()?;
    ensure!(d.units.get(0) == Some(Uuid::nil()), "unit 0 is none");
    ensure!(&exact::<8>(&mut r)? == END, "a snapshot cut short");
    Ok(Some((d, covered, full_load)))
}

#[cfg(test)]
mod tests {
    use super::super::blocks::tests::city;
    use super::{read, write};
    use rand::{SeedableRng, rngs::StdRng};
    use std::sync::RwLock;

    #[test]
    fn a_snapshot_reads_back_the_same_cases_in_id_order() {
        let mut rng = StdRng::seed_from_u64(11);
        // More than one chunk, and cases that arrived out of order.
        let (d, cases) = city(super::CHUNK + 5_000, &mut rng);
        assert!(!d.ids.rest.is_empty());
        let covered = chrono::Utc::now().fixed_offset();
        let full = covered - chrono::Duration::days(2);
        let lock = RwLock::new(d);
        let mut bytes = Vec::new();
        let n = write(&lock, (covered, full), &mut bytes).unwrap();
        let d = lock.into_inner().unwrap();
        assert_eq!(n as usize, d.len());
        let len = bytes.len() as u64;
        let (back, at, full_at) = read(bytes.as_slice(), len).unwrap().unwrap();
        assert_eq!(at.timestamp_micros(), covered.timestamp_micros());
        assert_eq!(full_at.timestamp_micros(), full.timestamp_micros());
        assert_eq!(back.len(), d.len());
        assert!(back.ids.rest.is_empty(), "read back in id order");
        for c in &cases {
            let (i, j) = (d.ids.find(&c.id).unwrap(), back.ids.find(&c.id).unwrap());
            let (k, kb) = (d.keys[i], back.keys[j]);
            assert_eq!(
                (k.x, k.y, k.status, k.flags),
                (kb.x, kb.y, kb.status, kb.flags)
            );
            assert_eq!((k.dispatched, k.closed), (kb.dispatched, kb.closed));
            let names = |dd: &super::Data, k: super::Key| {
                (
                    dd.categories.get(k.category),
                    dd.areas.get(k.area),
                    dd.units.get(k.unit),
                )
            };
            assert_eq!(names(&d, k), names(&back, kb));
            let (f, fb) = (d.facts[i], back.facts[j]);
            assert_eq!(
                (f.created, f.handling, f.rating, f.bits),
                (fb.created, fb.handling, fb.rating, fb.bits)
            );
        }
        assert_eq!(back.blocks.len(), d.blocks.len());
        // Cut short, or of another layout: refused, or not used.
        assert!(read(&bytes[..bytes.len() - 3], len - 3).is_err());
        // A count larger than the file: refused before anything is reserved.
        assert!(read(bytes.as_slice(), 1000).is_err());
        let mut other = bytes.clone();
        other[12] ^= 1;
        assert!(matches!(read(other.as_slice(), len), Ok(None)));
    }
}
