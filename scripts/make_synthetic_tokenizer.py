#!/usr/bin/python3
"""Writes recipes/assets/synthetic-bpe/: a byte-level BPE tokenizer for the synthetic world.

The merges are learned on the world's own text (the captions of dataset/synthetic and the
questions and answers of stage/synthetic-conversations), so the quickstart trains a small model
with a small vocabulary and no downloads. Standard library only; the output is a pure function
of this file, so rerunning it rewrites the same bytes:

    /usr/bin/python3 scripts/make_synthetic_tokenizer.py [OUT_DIR]
"""

import collections
import json
import pathlib
import re
import sys

# Merges stop here (or earlier, once no pair occurs twice): 256 bytes + merges + 3 specials.
MAX_MERGES = 240
CAPTIONS = 4000  # captions of dataset/synthetic's seed-0 world in the corpus
SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]

# The world, as in plugins/synthetic/scene.hpp and scene_question.cpp (keep in step with them).
PALETTE = ["red", "orange", "yellow", "green", "blue", "purple", "black", "white", "gray"]
SHAPES = ["circle", "square", "triangle"]
NUMBERS = ["one", "two", "three", "four"]
QUESTIONS = {
    "background": "What colour is the background?",
    "count": "How many shapes are there?",
    "colour": "What colour is the shape?",
    "shape": "What shape is it?",
    "describe": "Describe the image.",
}
IMAGE_PLACEHOLDER = "<image>"

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
SCENE_PURPOSE = 3  # synthetic_world.cpp's kScene


# --- SplitMix64 and the scene draws of plugins/synthetic (splitmix64.hpp, scene.cpp) ---

def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + GOLDEN) & MASK64
        return mix64(self.state)

    def below(self, n):
        return self.next() % n


def stream(seed, index, purpose):
    return SplitMix64(mix64((mix64(seed ^ ((purpose * GOLDEN) & MASK64)) + index) & MASK64))


def random_scene(rng):
    """(background, layout, [(kind, colour)]) with the draws of random_scene(); positions are
    drawn and dropped, since captions do not name them."""
    background = rng.below(len(PALETTE))
    count = 1 + rng.below(3)
    layout = "row" if rng.below(2) == 0 else "column"
    shapes = []
    for _ in range(count):
        kind = rng.below(3)
        colour = rng.below(len(PALETTE) - 1)
        if colour >= background:
            colour += 1
        for _ in range(3):  # radius, along, across
            rng.next()
        shapes.append((kind, colour))
    return background, layout, shapes


def with_article(word):
    return ("an " if word[0] in "aeiou" else "a ") + word


def describe(scene):
    background, layout, shapes = scene
    look = lambda s: PALETTE[s[1]] + " " + SHAPES[s[0]]
    if len(shapes) == 1:
        out = with_article(look(shapes[0]))
    elif all(s == shapes[0] for s in shapes):
        out = ("two " if len(shapes) == 2 else "three ") + look(shapes[0]) + "s"
    elif len(shapes) == 2:
        between = " to the left of " if layout == "row" else " above "
        out = with_article(look(shapes[0])) + between + with_article(look(shapes[1]))
    else:
        out = ", ".join(with_article(look(s)) for s in shapes[:-1]) + " and " + with_article(look(shapes[-1]))
        out += " from left to right" if layout == "row" else " from top to bottom"
    return out + " on " + with_article(PALETTE[background]) + " background"


# --- the corpus: what the tokenizer will see between the special tokens ---

def chatml(turns):
    return "".join("<|im_start|>" + role + "\n" + text + "<|im_end|>\n" for role, text in turns)


def text_only_exchanges():
    """The questions of plugins/synthetic/text_only_exchange.cpp."""
    out = []
    for shape, sides in (("triangle", "three"), ("square", "four")):
        out.append(("How many sides does a " + shape + " have?", sides))
    for word in PALETTE:
        out.append(("Is " + word + " a colour or a shape?", "a colour"))
    for word in SHAPES:
        out.append(("Is " + word + " a colour or a shape?", "a shape"))
    for before, after in zip(NUMBERS, NUMBERS[1:]):
        out.append(("What number comes after " + before + "?", after))
    return out


def corpus():
    """Documents with special tokens still in; the caller cuts them out, as encoding does."""
    docs = []
    captions = [describe(random_scene(stream(0, i, SCENE_PURPOSE))) for i in range(CAPTIONS)]
    docs += captions
    # One image question per caption, cycling through the kinds, and every closed answer.
    kinds = list(QUESTIONS)
    for i, caption in enumerate(captions):
        kind = kinds[i % len(kinds)]
        answer = {
            "background": PALETTE[i % len(PALETTE)],
            "count": NUMBERS[i % 3],
            "colour": PALETTE[i % len(PALETTE)],
            "shape": SHAPES[i % len(SHAPES)],
            "describe": caption,
        }[kind]
        prompt = IMAGE_PLACEHOLDER + "\n" + QUESTIONS[kind]
        docs.append(chatml([("user", prompt), ("assistant", answer)]) + "<|endoftext|>")
    for question, answer in text_only_exchanges():
        docs += [chatml([("user", question), ("assistant", answer)])] * 20
    return docs


# --- byte-level BPE training ---

def bytes_to_unicode():
    """GPT-2's byte-level alphabet: printable bytes stand for themselves, the rest for 256 + n.
    The list order is the vocabulary order of GPT-2 and Qwen (id 0 is "!")."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    order = printable[:]
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            order.append(b)
            chars.append(256 + extra)
            extra += 1
    return [(b, chr(c)) for b, c in zip(order, chars)]


# Qwen2's pre-tokenizer regex, which the tokenizer.json carries. The corpus is ASCII, where
# \p{L} and \p{N} are [A-Za-z] and [0-9], so Python's re can split it the same way.
QWEN_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
                r"\s*[\r\n]+|\s+(?!\S)|\s+")
ASCII_PATTERN = re.compile(r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\nA-Za-z0-9]?[A-Za-z]+|[0-9]| ?[^\sA-Za-z0-9]+[\r\n]*|"
                           r"\s*[\r\n]+|\s+(?!\S)|\s+")
SPECIALS_PATTERN = re.compile("|".join(re.escape(t) for t in SPECIAL_TOKENS))


def word_counts(docs, byte_char):
    counts = collections.Counter()
    for doc in docs:
        if not doc.isascii():
            sys.exit("corpus text must be ASCII (the Python split stands in for Unicode classes)")
        for chunk in SPECIALS_PATTERN.split(doc):
            for word in ASCII_PATTERN.findall(chunk):
                counts["".join(byte_char[b] for b in word.encode())] += 1
    return counts


def train_bpe(counts, max_merges):
    words = [(list(w), n) for w, n in sorted(counts.items())]
    merges = []
    while len(merges) < max_merges:
        pairs = collections.Counter()
        for symbols, n in words:
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += n
        if not pairs:
            break
        # Most frequent first; ties go to the smaller pair, so the result never depends on order.
        best, n = min(pairs.items(), key=lambda item: (-item[1], item[0]))
        if n < 2:
            break
        merges.append(best)
        joined = best[0] + best[1]
        for symbols, _ in words:
            i = 0
            while i < len(symbols) - 1:
                if symbols[i] == best[0] and symbols[i + 1] == best[1]:
                    symbols[i:i + 2] = [joined]
                i += 1
    return merges


def tokenizer_json(merges, alphabet):
    vocab = {}
    for _, char in alphabet:
        vocab[char] = len(vocab)
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    added = [{"id": len(vocab) + i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i, t in enumerate(SPECIAL_TOKENS)]
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "NFC"},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": QWEN_PATTERN}, "behavior": "Isolated", "invert": False},
            byte_level]},
        "post_processor": byte_level,
        "decoder": byte_level,
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": [[a, b] for a, b in merges]},
    }


# ChatML exactly as vlforge's format_chatml writes it (no default system message), for tools that
# run the Jinja template.
CHAT_TEMPLATE = ("{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + "
                 "'<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")


def tokenizer_config_json(first_special_id):
    decoder = {str(first_special_id + i): {"content": t, "lstrip": False, "normalized": False, "rstrip": False,
                                           "single_word": False, "special": True}
               for i, t in enumerate(SPECIAL_TOKENS)}
    return {
        "add_bos_token": False,
        "add_prefix_space": False,
        "added_tokens_decoder": decoder,
        "bos_token": None,
        "chat_template": CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "eos_token": "<|im_end|>",
        "model_max_length": 4096,
        "pad_token": "<|endoftext|>",
        "tokenizer_class": "Qwen2Tokenizer",
    }


def write_json(path, doc):
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root / "recipes" / "assets" / "synthetic-bpe"
    out.mkdir(parents=True, exist_ok=True)
    alphabet = bytes_to_unicode()
    merges = train_bpe(word_counts(corpus(), dict(alphabet)), MAX_MERGES)
    doc = tokenizer_json(merges, alphabet)
    write_json(out / "tokenizer.json", doc)
    write_json(out / "tokenizer_config.json", tokenizer_config_json(len(doc["model"]["vocab"])))
    print(f"{out}: {len(doc['model']['vocab'])} tokens and {len(merges)} merges, then "
          + ", ".join(f"{t} = {a['id']}" for t, a in zip(SPECIAL_TOKENS, doc["added_tokens"])))


if __name__ == "__main__":
    main()
