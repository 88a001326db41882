"""Loads a `vlforge export` folder with Hugging Face transformers and compares its logits with the
ones vlforge computed (reference_logits.json, written by hf_export_tests beside the export).

    python3 check_with_transformers.py EXPORT_DIR REFERENCE_JSON

Needs torch and transformers; run it where they are installed (a GPU machine is not required).
"""
import json
import sys

import torch
from transformers import AutoModelForCausalLM, SiglipVisionModel


def main(export_dir: str, reference_file: str) -> int:
    reference = json.load(open(reference_file))
    model = AutoModelForCausalLM.from_pretrained(export_dir, torch_dtype=torch.float32).eval()
    with torch.no_grad():
        logits = model(torch.tensor([reference["input_ids"]])).logits[0]
    expected = torch.tensor(reference["logits"])
    diff = (logits - expected).abs().max().item()
    SiglipVisionModel.from_pretrained(f"{export_dir}/vision_tower")
    print(f"max |logit difference| = {diff:.3g}")
    return 0 if diff < 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
