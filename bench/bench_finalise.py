"""What finalising an issued PDF costs (docs/documents.md): the stamp and the signature, beside the rendering.

    .venv/bin/python bench/bench_finalise.py                # 50 letters, 3 rounds
    .venv/bin/python bench/bench_finalise.py --letters 20 --rounds 5

For one GB/T 9704 letter: render_letter (the floor: what every document cost before), pdf_stamp (verification
code, QR code and seal merged onto the last page) and pdf_sign (PAdES with a throwaway demo certificate). The
median per letter of the best round counts; sizes show what the stamp and the signature add to the file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()  # settings for the code's key and address; nothing here touches the database

from django.conf import settings  # noqa: E402

from arbitration.documents.render import render_letter  # noqa: E402
from arbitration.documents.signing import demo_certificate_create, pdf_sign  # noqa: E402
from arbitration.documents.verification import pdf_stamp, verification_code  # noqa: E402
from bench.bench_letters import letter  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--letters", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cert, key = demo_certificate_create(Path(tempfile.mkdtemp()))
    settings.MINGZE_SIGNING_CERT, settings.MINGZE_SIGNING_KEY = str(cert), str(key)
    data = letter()
    pdf_sign(pdf_stamp(render_letter(data), verification_code("bench.letter", 0)))  # fonts and signer loaded once
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        times: dict[str, list[float]] = {"render": [], "stamp": [], "sign": []}
        for number in range(args.letters):
            began = time.perf_counter()
            rendered = render_letter(data)
            rendered_at = time.perf_counter()
            stamped = pdf_stamp(rendered, verification_code("bench.letter", number))
            stamped_at = time.perf_counter()
            signed = pdf_sign(stamped)
            signed_at = time.perf_counter()
            times["render"].append(rendered_at - began)
            times["stamp"].append(stamped_at - rendered_at)
            times["sign"].append(signed_at - stamped_at)
        for step, values in times.items():
            best[step] = min(best.get(step, float("inf")), statistics.median(values))
    for step, seconds in best.items():
        print(f"{step:7} {seconds * 1000:7.1f} ms per letter (median, best of {args.rounds} rounds)")
    extra = (best["stamp"] + best["sign"]) / best["render"]
    print(f"stamp + sign = {extra:.2f} × render")
    print(f"sizes: rendered {len(rendered):,} B, stamped {len(stamped):,} B, signed {len(signed.content):,} B")


if __name__ == "__main__":
    main()
