// Holds tokenizer.json to the real Hugging Face tokenizers library (npm @anush008/tokenizers 0.6.0).
// Usage: node check_tokenizer.js zoo/base/tokenizer.json zoo/tokenizer-reference.json
const { Tokenizer } = require('@anush008/tokenizers');
const fs = require('fs');
(async () => {
  const [tokPath, casesPath] = process.argv.slice(2);
  const tok = Tokenizer.fromFile(tokPath);
  const cases = JSON.parse(fs.readFileSync(casesPath)).cases;
  let bad = 0;
  for (const c of cases) {
    const enc = await tok.encode(c.text, null, { addSpecialTokens: true });
    const ids = Array.from(enc.getIds());
    const dec = await tok.decode(ids, true);
    if (JSON.stringify(ids) !== JSON.stringify(c.ids) || dec !== c.text) { bad++; console.log('MISMATCH', JSON.stringify(c.text), ids, c.ids, JSON.stringify(dec)); }
  }
  console.log(`${cases.length - bad}/${cases.length} equal (ids and decode)`);
})();
