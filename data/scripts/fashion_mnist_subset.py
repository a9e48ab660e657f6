#!/usr/bin/env python3
"""Builds or checks the Fashion-MNIST subset embedded in the data module.

The subset is the first 1000 training and the first 1000 test images and labels of the real
Fashion-MNIST, written as gzip IDX files with a fixed header (no file name, mtime 0) so that
regenerating them is byte-identical. The source files are verified against the SHA-256 digests
of their IDX content before anything is written.

    data/scripts/fashion_mnist_subset.py            # (re)write the resources
    data/scripts/fashion_mnist_subset.py --check    # verify them, write nothing
    data/scripts/fashion_mnist_subset.py --source DIR --count N

Only the Python standard library is used.
"""
import argparse
import gzip
import hashlib
import io
import pathlib
import struct
import sys

HERE = pathlib.Path(__file__).resolve().parent
MODULE = HERE.parent
RESOURCES = MODULE / "src/main/resources/dev/gradlab/data/fashion-mnist-subset"
JAVA_SOURCE = MODULE / "src/main/java/dev/gradlab/data/FashionMnist.java"
DEFAULT_SOURCE = pathlib.Path("/usr/share/datasets/fashion-mnist")

# SHA-256 of the decompressed IDX files; the same digests FashionMnist.java pins.
SOURCE_SHA256 = {
    "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}


def read_source(directory, name):
    for candidate in (directory / (name + ".gz"), directory / name):
        if candidate.exists():
            data = candidate.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            digest = hashlib.sha256(data).hexdigest()
            if digest != SOURCE_SHA256[name]:
                sys.exit(f"{candidate}: SHA-256 of the IDX content is {digest}, expected {SOURCE_SHA256[name]}")
            return data
    sys.exit(f"{directory}: neither {name}.gz nor {name} exists (apt-get install dataset-fashion-mnist)")


def head(idx, count):
    """The first `count` records of an unsigned-byte IDX file, with the header's count rewritten."""
    magic, = struct.unpack(">I", idx[:4])
    rank = magic & 0xFF
    if magic >> 8 != 0x08 or rank < 1:
        sys.exit(f"unexpected IDX magic 0x{magic:08x}")
    dims = list(struct.unpack(">" + "I" * rank, idx[4:4 + 4 * rank]))
    if count > dims[0]:
        sys.exit(f"asked for {count} records, the file has {dims[0]}")
    record = 1
    for d in dims[1:]:
        record *= d
    header_len = 4 + 4 * rank
    dims[0] = count
    return struct.pack(">I" + "I" * rank, magic, *dims) + idx[header_len:header_len + count * record]


def deterministic_gzip(data):
    # No file name and mtime 0 in the header: the output depends on the input bytes alone.
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=pathlib.Path, default=DEFAULT_SOURCE)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--check", action="store_true", help="verify the committed files, write nothing")
    args = parser.parse_args()

    java = JAVA_SOURCE.read_text(encoding="utf-8") if JAVA_SOURCE.exists() else ""
    failures = 0
    for name in SOURCE_SHA256:
        content = head(read_source(args.source, name), args.count)
        compressed = deterministic_gzip(content)
        digest = hashlib.sha256(content).hexdigest()
        target = RESOURCES / (name + ".gz")
        if args.check:
            if not target.exists() or target.read_bytes() != compressed:
                print(f"{target}: differs from a fresh regeneration", file=sys.stderr)
                failures += 1
            if digest not in java:
                print(f"{JAVA_SOURCE}: does not pin {name}'s subset digest {digest}", file=sys.stderr)
                failures += 1
        else:
            RESOURCES.mkdir(parents=True, exist_ok=True)
            target.write_bytes(compressed)
        print(f"{digest}  {name} ({len(content)} bytes, {len(compressed)} gzip)")
    if failures:
        sys.exit(f"{failures} check(s) failed")
    if args.check:
        print("subset verified: byte-identical to a regeneration from", args.source)


if __name__ == "__main__":
    main()
