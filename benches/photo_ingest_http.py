#!/usr/bin/env python3
"""Photo ingest over HTTP, side by side with ImageMagick, in one run.

The server's whole upload request is measured (multipart parsing, hashing,
sniffing, EXIF, decode, orientation, resize, re-encode, thumbnail, store,
database insert), as the CPU time of the server process (/proc/PID/stat,
user + system, every thread) over N uploads of distinct bytes (the same
photo with a different trailer, so that none is deduplicated). ImageMagick
does the FixMyStreet conversion, `convert -auto-orient -resize 2048x2048>
-strip`, N times; its CPU is the children's rusage. Prints both per photo
and their ratio.

    cargo build --release
    python3 benches/photo_ingest_http.py [PHOTO] [N]

Default photo: ../shared/data/photos/phone-12mp-orientation6.jpg; N = 12.
Needs Debian's `imagemagick` (/usr/bin/convert, or CONVERT=path).
"""

import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHOTO = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    ROOT, "..", "shared", "data", "photos", "phone-12mp-orientation6.jpg")
N = int(sys.argv[2]) if len(sys.argv) > 2 else 12
BIN = os.path.join(ROOT, "target", "release", "suishoupai")
TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def post(url, data, headers):
    return urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers))


def main():
    photo = open(PHOTO, "rb").read()
    work = tempfile.mkdtemp()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, SSP_BIND=f"127.0.0.1:{port}", SSP_DATA_DIR=work,
               SSP_DATABASE_URL=f"sqlite://{work}/db.sqlite?mode=rwc",
               SSP_STORE__LOCAL_ROOT=f"{work}/objects", SSP_LIMITS__UPLOAD_PER_USER="100000",
               SSP_LIMITS__UPLOAD_PER_IP="100000", RUST_LOG="warn")
    server = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/readyz")
                break
            except OSError:
                time.sleep(0.5)
        token = json.load(post(base + "/api/v1/auth/dev", b'{"openid":"bench"}',
                               {"content-type": "application/json"}))["token"]

        def upload(data):
            b = uuid.uuid4().hex
            body = (f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n'
                    f"Content-Type: image/jpeg\r\n\r\n").encode() + data + f"\r\n--{b}--\r\n".encode()
            r = post(base + "/api/v1/media", body, {"authorization": "Bearer " + token,
                                                    "content-type": f"multipart/form-data; boundary={b}"})
            assert r.status == 200, r.status

        upload(photo + b"warm-up")
        before, t0 = cpu_of(server.pid), time.monotonic()
        for _ in range(N):
            upload(photo + os.urandom(16))
        server_cpu = (cpu_of(server.pid) - before) / N
        server_wall = (time.monotonic() - t0) / N
    finally:
        server.terminate()
        server.wait()
    # Debian's ImageMagick (a stand-in named `convert` may come first on the PATH).
    convert = os.environ.get("CONVERT") or next(
        (c for c in ("/usr/bin/convert", shutil.which("convert")) if c and os.path.exists(c)), "convert")
    out = os.path.join(work, "out.jpg")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(N):
        subprocess.run([convert, PHOTO, "-auto-orient", "-resize", "2048x2048>", "-strip", out], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    im_cpu = ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) / N
    shutil.rmtree(work, ignore_errors=True)
    print(f"photo {os.path.basename(PHOTO)}, {N} uploads, {os.cpu_count()} CPUs")
    print(f"server, whole HTTP upload: {server_cpu * 1000:.0f} ms CPU per photo ({server_wall * 1000:.0f} ms wall)")
    print(f"ImageMagick convert:       {im_cpu * 1000:.0f} ms CPU per photo")
    print(f"ratio ImageMagick / server: {im_cpu / server_cpu:.2f}x")


main()
