//! Photo ingest through the whole pipeline (sniff, header check, EXIF,
//! decode, shrink, orient, re-encode without metadata, thumbnail, store),
//! side by side with ImageMagick doing the FixMyStreet conversion.
//!
//! `cargo bench --bench photo_ingest -- [PHOTO] [RUNS]`
//! Default photo: ../shared/data/photos/phone-12mp-orientation6.jpg.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{process::Command, time::Instant};
use suishoupai::media::pipeline::{PipelineLimits, process};

/// This process's user+system CPU seconds (Linux /proc).
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

/// Peak resident memory of this process, MiB.
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let path = args.first().cloned().unwrap_or_else(|| {
        format!(
            "{}/../shared/data/photos/phone-12mp-orientation6.jpg",
            env!("CARGO_MANIFEST_DIR")
        )
    });
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let bytes = std::fs::read(&path).expect("photo to ingest");
    let limits = PipelineLimits {
        max_pixels: 50_000_000,
        max_edge: 2048,
        thumb_edge: 480,
        jpeg_quality: 85,
    };
    let out_dir = tempfile::tempdir().unwrap();
    let base_mib = peak_mib();

    let mut cpu = Vec::new();
    let mut wall = Vec::new();
    for i in 0..runs {
        let (c0, w0) = (cpu_secs(), Instant::now());
        let p = process(&bytes, &limits).expect("pipeline");
        std::fs::write(out_dir.path().join(format!("{i}.jpg")), &p.full).unwrap();
        std::fs::write(out_dir.path().join(format!("{i}_t.jpg")), &p.thumb).unwrap();
        cpu.push(cpu_secs() - c0);
        wall.push(w0.elapsed().as_secs_f64());
        if i == 0 {
            println!(
                "output {}x{} ({} bytes), thumbnail {} bytes",
                p.width,
                p.height,
                p.full.len(),
                p.thumb.len()
            );
        }
    }
    println!(
        "suishoupai pipeline: median CPU {:.3} s, median wall {:.3} s per photo over {runs} runs; peak RSS {:.0} MiB (process, {:.0} MiB before)",
        median(&cpu),
        median(&wall),
        peak_mib(),
        base_mib
    );

    // ImageMagick, same file, same machine, same run.
    let mut im_cpu = Vec::new();
    let mut im_mib = Vec::new();
    for _ in 0..runs {
        let out = Command::new("/usr/bin/time")
            .args([
                "-f",
                "%U %S %M",
                "convert",
                &path,
                "-auto-orient",
                "-resize",
                "2048x2048>",
                "-strip",
                "-quality",
                "85",
            ])
            .arg(out_dir.path().join("im.jpg"))
            .output();
        match out {
            Ok(o) if o.status.success() => {
                let s = String::from_utf8_lossy(&o.stderr);
                let last = s.lines().last().unwrap_or("");
                let f: Vec<f64> = last
                    .split_whitespace()
                    .filter_map(|v| v.parse().ok())
                    .collect();
                if f.len() == 3 {
                    im_cpu.push(f[0] + f[1]);
                    im_mib.push(f[2] / 1024.0);
                }
            }
            _ => {
                println!("ImageMagick: not available (apt-get install imagemagick time)");
                return;
            }
        }
    }
    if !im_cpu.is_empty() {
        let (ours, theirs) = (median(&cpu), median(&im_cpu));
        println!(
            "ImageMagick convert: median CPU {theirs:.3} s per photo, peak RSS {:.0} MiB; speed-up {:.1}x",
            median(&im_mib),
            theirs / ours.max(1e-9)
        );
    }
}
