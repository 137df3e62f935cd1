"""Synthetic string skills, the character vocabulary and the training mixtures.

Every skill is a prompt "<tag>:<input>=" with a short answer. Specialist skills come in two forms: a hard form
(what the specialist is fine-tuned on and what the proxy sets ask) and an easy form the base sees rarely, so the
base is weak at the skill but not clueless (a clueless base makes merges hopeless, see zoo-lessons).
"""
import random
import string

SPECIALS = ["<pad>", "<s>", "</s>", "<unk>"]
PAD, BOS, EOS, UNK = 0, 1, 2, 3

CHARS = sorted(set(string.ascii_lowercase + string.ascii_uppercase + string.digits + ":=+ "))
VOCAB = SPECIALS + CHARS
CHAR_ID = {c: i for i, c in enumerate(VOCAB)}

LETTERS = string.ascii_lowercase
DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

# A fixed substitution alphabet: a derangement drawn once from seed 1234, never changes.
_cipher_rng = random.Random(1234)
while True:
    _perm = list(LETTERS)
    _cipher_rng.shuffle(_perm)
    if all(a != b for a, b in zip(LETTERS, _perm)):
        break
CIPHER = dict(zip(LETTERS, _perm))


def word(rng, lo, hi):
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(lo, hi)))


# ---- general skills (the base does them well) ----
def gen_copy(rng):
    s = word(rng, 1, 10)
    return f"copy:{s}=", s


def gen_upper(rng):
    s = word(rng, 1, 10)
    return f"upper:{s}=", s.upper()


def gen_count(rng):
    s = word(rng, 1, 12)
    return f"count:{s}=", str(len(s))


# ---- specialist skills: hard form ----
def gen_enc(rng):
    s = word(rng, 3, 8)
    return f"enc:{s}=", "".join(CIPHER[c] for c in s)


def gen_nines(rng):
    n = "".join(rng.choice(string.digits) for _ in range(rng.randint(3, 8)))
    return f"nines:{n}=", "".join(str(9 - int(d)) for d in n)


def gen_spell(rng):
    n = "".join(rng.choice(string.digits) for _ in range(rng.randint(2, 4)))
    return f"spell:{n}=", " ".join(DIGIT_WORDS[int(d)] for d in n)


# ---- specialist skills: easy form seen rarely by the base ----
def gen_add_easy(rng):
    a, b = rng.randint(0, 9), rng.randint(0, 9)
    return f"add:{a}+{b}=", str(a + b)


def gen_enc_easy(rng):
    s = word(rng, 1, 2)
    return f"enc:{s}=", "".join(CIPHER[c] for c in s)


def gen_nines_easy(rng):
    n = rng.choice(string.digits)
    return f"nines:{n}=", str(9 - int(n))


def gen_spell_easy(rng):
    n = rng.choice(string.digits)
    return f"spell:{n}=", DIGIT_WORDS[int(n)]


# Proxy skills: the three specialist skills and one general skill.
HARD = {"nines": gen_nines, "enc": gen_enc, "spell": gen_spell, "upper": gen_upper}

# Pretraining phase 1: general skills dominate (one-digit addition is background arithmetic, not a proxy skill);
# the cipher and spelling appear in their easy form only.
BASE_MIX = [(gen_copy, 0.28), (gen_upper, 0.28), (gen_count, 0.24),
            (gen_add_easy, 0.07), (gen_enc_easy, 0.06), (gen_spell_easy, 0.07)]

# Greedy decoding budget per proxy skill (>= longest possible answer + 2).
MAX_NEW_TOKENS = {"nines": 10, "enc": 10, "spell": 26, "upper": 12}


def encode(text):
    return [CHAR_ID[c] for c in text]


def sample_mixture(rng, mix):
    r = rng.random()
    acc = 0.0
    for gen, w in mix:
        acc += w
        if r < acc:
            return gen
    return mix[-1][0]


class Stream:
    """Endless deterministic stream of (prompt, answer) examples that never yields a reserved prompt."""

    def __init__(self, seed, mix, reserved):
        self.rng = random.Random(seed)
        self.mix = mix
        self.reserved = reserved

    def next(self):
        while True:
            gen = sample_mixture(self.rng, self.mix)
            p, a = gen(self.rng)
            if p not in self.reserved:
                return p, a
