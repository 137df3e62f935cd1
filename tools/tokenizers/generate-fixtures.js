#!/usr/bin/env node
// Writes the reference fixtures under tests/Evolve.Tests/Fixtures/tokenizers/: for every string, the ids that the
// real Hugging Face tokenizers library gives (with and without the post-processor's special tokens) and its decodes.
// It also rebuilds each tokenizer of variants.json (a base file with components replaced) and writes
// variants/<name>.json. Usage (see README.md beside this file): node generate-fixtures.js NAME=TOKENIZER_JSON ...
// The library is resolved through NODE_PATH (a folder holding @anush008/tokenizers and its linux-x64-gnu binary).
'use strict';
const fs = require('fs');
const path = require('path');
const os = require('os');
const { Tokenizer } = require('@anush008/tokenizers');

const LIBRARY = 'Hugging Face tokenizers 0.22.2 (npm @anush008/tokenizers 0.6.0)';
const OUT_DIR = path.join(__dirname, '..', '..', 'tests', 'Evolve.Tests', 'Fixtures', 'tokenizers');
const RANDOM_CASES = 260;
const VARIANT_RANDOM_CASES = 40;
const PAIR = 'Second sequence, with 2 parts.';

// mulberry32: a tiny deterministic generator so a re-run writes the same strings.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const S1 = 'Hello world! The quick brown fox jumps over the lazy dog.';
const S2 = '  Leading spaces, tabs\tand\nnewlines; numbers 12345 and 3.14159.';
const S3 = 'Unicode: naïve café — 你好，世界 🤖 ünïcödé';

const pools = {
  words: ['hello', 'World', 'the', 'quick', 'brown', 'FOX', 'jumps', 'over', 'lazy', 'dog', 'tokenizer', 'merge',
    'checkpoint', 'evolution', 'Transformer', 'internationalization', 'naïve', 'café', 'résumé', 'Straße', 'über',
    'antidisestablishmentarianism', 'x', 'a', 'I', 'OK', 'camelCaseWord', 'snake_case_word', 'kebab-case', 'URL'],
  contractions: ["it's", "we've", "they'll", "I'm", "don't", "He'd", "YOU'RE", "She'S", "can't", "we'LL", "'s", "'ve",
    "'ll", "'d", "'m", "'re", "'t", "o'clock", "rock'n'roll"],
  numbers: ['0', '7', '42', '123', '1234', '12345', '3.14159', '2,718', '1e-9', '-17', '+3', '100%', '$19.99',
    '2024-06-01', '12:30:45', '0x1F', '1_000_000', '٣٤٥', '१२३', '½', '²'],
  punctuation: ['.', ',', ';', ':', '!', '?', '...', '!!!', '?!', '(', ')', '[', ']', '{', '}', '<', '>', '"', "'",
    '`', '~', '@', '#', '$', '%', '^', '&', '*', '-', '--', '—', '–', '_', '=', '+', '/', '\\', '|', '«', '»', '“', '”',
    '¿', '¡', '、', '。', '，', '！'],
  whitespace: [' ', '  ', '   ', '    ', '        ', '\t', '\t\t', '\n', '\n\n', '\r\n', ' \n ', ' \t ', '\u00a0',
    '\u3000', '\u2003', '\n    ', '\t\t\t\t'],
  scripts: ['你好，世界', '日本語のテキスト', '中文分词测试', '안녕하세요', 'Привет, мир', 'Ёжик в тумане',
    'مرحبا بالعالم', 'नमस्ते दुनिया', 'हिन्दी', 'สวัสดีชาวโลก', 'ภาษาไทย', 'Γειά σου Κόσμε', 'שלום עולם',
    'Tiếng Việt', 'ქართული', 'Հայերեն', 'ᚠᛇᚻ'],
  combining: ['e\u0301', 'a\u0308', 'n\u0303', 'Z\u0351\u036b\u0343\u036a\u0302', 'o\u0302\u0323', 'क्ष',
    '\u0041\u030a', 'é', 'Å', 'ﬁ', 'ｆｕｌｌｗｉｄｔｈ', 'Ⅻ'],
  emoji: ['🤖', '👍', '👍🏽', '❤️', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇫🇷', '🇯🇵🇺🇸', '😀😃😄', '🧑‍💻', '✨', '☕', '🔥🔥'],
  code: ['def f(x):\n    return x ** 2\n', 'for (int i = 0; i < n; ++i) {\n\tsum += a[i];\n}',
    '<div class="a">text</div>', 'x => x + 1', 'SELECT * FROM t WHERE id = 42;', 'if err != nil { return err }',
    '#include <stdio.h>', 'print("hi")  # comment', '{"key": [1, 2.5, null, true]}', 'a+=b;c-=d', '$ ls -la | grep foo',
    '    indented()', 'fn main() -> Result<(), Box<dyn Error>>'],
};

const specialsByTokenizer = {
  gpt2: ['<|endoftext|>', '  ', '   ', '    ', '      ', '\t\t', '\t\t\t', '\t\t\t\t\t\t\t\t\t',
    ' '.repeat(31), ' '.repeat(33), ' '.repeat(64)],
  llama2: ['<s>', '</s>', '<unk>', ' <s> ', '<s><s>', '</s>\n'],
  llama3: ['<|begin_of_text|>', '<|end_of_text|>', '<|eot_id|>', '<|start_header_id|>', '<|end_header_id|>',
    '<|reserved_special_token_5|>', '<|eot_id|><|start_header_id|>'],
  'char-level': ['<s>', '</s>', '<pad>', '<unk>'],
};

function handWritten(specials) {
  const cases = [S1, S2, S3, '', ' ', '  ', '\n', '\t', 'a', 'A', '.', '0', '🤖', '你', '\u00a0'];
  for (const pool of Object.values(pools)) cases.push(...pool);
  cases.push('a'.repeat(300), 'ab'.repeat(150), 'Supercalifragilisticexpialidocious'.repeat(8),
    '1234567890'.repeat(20), '!'.repeat(100), ' '.repeat(100), '\n'.repeat(20), '你好'.repeat(80),
    'hello   world', 'hello \n world', 'trailing spaces   ', '   leading', 'tabs\t\tinside', 'mixed \t\n \r\n end',
    "I'm sure it's fine, we'll see.", 'THE END.', 'e-mail: someone@example.com', 'https://example.org/path?q=1&r=2',
    'ÀÉÎÕÜ àéîõü', 'x² + y² = z²', '3.14 vs 3,14 vs 3 14', '12345678901234567890', '-- -- --', '...and then',
    '"quoted"', "'single'", '(nested (parens))', 'Mr. Smith\'s car', 'A\u0301ngstro\u0308m',
    // Characters beyond the BMP (letters, digits, emoji) next to letters: .NET regexes see them as two UTF-16 units.
    '🤖abc', 'x🤖abc', '𝐀𝐁𝐂 test', '𠀀𠀁 abc', '𝟏𝟐𝟑𝟒5', 'a😀😀b', ' 😀word', 'ΣΑΣ ὈΔΥΣΣΕΎΣ', 'İstanbul');
  for (const s of specials) {
    cases.push(s, `Hello${s}world`, `Hello ${s} world`, `${s}Hello`, `Hello${s}`, `a ${s}${s} b`, `x\n${s}\ny`);
  }
  return cases;
}

function pick(r, list) {
  return list[Math.floor(r() * list.length)];
}

function randomCases(specials, count, seed) {
  const r = rng(seed);
  const poolNames = Object.keys(pools);
  const separators = ['', ' ', ' ', ' ', '  ', '\n', '\t', ', ', '. '];
  const out = [];
  for (let i = 0; i < count; i++) {
    const parts = [];
    const n = 1 + Math.floor(r() * 8);
    for (let j = 0; j < n; j++) {
      const x = r();
      const fragment = x < 0.12 ? pick(r, specials) : pick(r, pools[pick(r, poolNames)]);
      parts.push(fragment);
      if (j + 1 < n) parts.push(r() < 0.2 ? pick(r, pools.whitespace) : pick(r, separators));
    }
    out.push(parts.join(''));
  }
  return out;
}

async function referenceCases(tokenizer, texts, withPairs) {
  const cases = [];
  for (const text of texts) {
    const ids = Array.from((await tokenizer.encode(text, null, { addSpecialTokens: true })).getIds());
    const c = {
      text,
      ids,
      ids_no_special: Array.from((await tokenizer.encode(text, null, { addSpecialTokens: false })).getIds()),
      decoded: await tokenizer.decode(ids, false),
      decoded_skip_special: await tokenizer.decode(ids, true),
    };
    if (withPairs) c.pair_ids = Array.from((await tokenizer.encode(text, PAIR, { addSpecialTokens: true })).getIds());
    cases.push(c);
  }
  return cases;
}

function writeFixture(file, name, cases, extra) {
  // One case per line keeps the fixture readable and its diffs small.
  const header = `{"tokenizer": ${JSON.stringify(name)}, "library": ${JSON.stringify(LIBRARY)},${extra} "cases": [\n`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, header + cases.map((c) => JSON.stringify(c)).join(',\n') + '\n]}\n');
  console.log(`${file}: ${cases.length} cases`);
}

// Arbitrary id sequences, as a model may generate them: byte tokens cut mid-character, specials anywhere, ids
// past the vocabulary (which decoding skips).
const RANDOM_DECODES = 120;

async function randomDecodes(tokenizer, seed) {
  const r = rng(seed);
  const size = tokenizer.getVocabSize(true);
  const cases = [];
  for (let i = 0; i < RANDOM_DECODES; i++) {
    const n = Math.floor(r() * 12);
    const ids = [];
    for (let j = 0; j < n; j++) {
      const x = r();
      ids.push(x < 0.05 ? size + Math.floor(r() * 10) : x < 0.35 ? Math.floor(r() * Math.min(size, 300)) : Math.floor(r() * size));
    }
    cases.push({ ids, decoded: await tokenizer.decode(ids, false), decoded_skip_special: await tokenizer.decode(ids, true) });
  }
  return cases;
}

function writeDecodeFixture(file, name, cases) {
  const header = `{"tokenizer": ${JSON.stringify(name)}, "library": ${JSON.stringify(LIBRARY)}, "cases": [\n`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, header + cases.map((c) => JSON.stringify(c)).join(',\n') + '\n]}\n');
  console.log(`${file}: ${cases.length} decodes`);
}

/// A variant's tokenizer.json: the base with top-level components replaced and model fields merged in.
function buildVariant(baseFile, replace) {
  const json = JSON.parse(fs.readFileSync(baseFile, 'utf8'));
  for (const [key, value] of Object.entries(replace)) {
    if (key === 'model') Object.assign(json.model, value);
    else json[key] = value;
  }
  return json;
}

async function main() {
  const files = {};
  for (const arg of process.argv.slice(2)) {
    const eq = arg.indexOf('=');
    if (eq < 0) throw new Error(`expected NAME=TOKENIZER_JSON, got ${arg}`);
    files[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  for (const name of Object.keys(specialsByTokenizer)) {
    if (!files[name]) throw new Error(`usage: node generate-fixtures.js gpt2=… llama2=… llama3=… char-level=… (missing ${name})`);
  }
  let seed = 20241122;
  for (const [name, specials] of Object.entries(specialsByTokenizer)) {
    const tokenizer = Tokenizer.fromFile(files[name]);
    const textSeed = seed++;
    const texts = [...new Set([...handWritten(specials), ...randomCases(specials, RANDOM_CASES, textSeed)])];
    writeFixture(path.join(OUT_DIR, `${name}.json`), name, await referenceCases(tokenizer, texts, false), '');
    writeDecodeFixture(path.join(OUT_DIR, 'decode', `${name}.json`), name, await randomDecodes(tokenizer, textSeed + 1000000));
  }

  const { variants } = JSON.parse(fs.readFileSync(path.join(OUT_DIR, 'variants.json'), 'utf8'));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'evolve-variants-'));
  for (const variant of variants) {
    const baseFile = files[variant.base] ?? path.join(OUT_DIR, variant.base, 'tokenizer.json');
    const file = path.join(scratch, `${variant.name}.json`);
    fs.writeFileSync(file, JSON.stringify(buildVariant(baseFile, variant.replace)));
    const tokenizer = Tokenizer.fromFile(file);
    const texts = [...new Set([...handWritten(variant.strings),
      ...randomCases(variant.strings, VARIANT_RANDOM_CASES, seed++)])];
    writeFixture(path.join(OUT_DIR, 'variants', `${variant.name}.json`), variant.name,
      await referenceCases(tokenizer, texts, true), ` "pair": ${JSON.stringify(PAIR)},`);
  }
  fs.rmSync(scratch, { recursive: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
