// Checks zoo/onnx/base.onnx under the real ONNX Runtime (npm onnxruntime-node 1.30.0) against torch logits.
// Usage: node check_onnx.js zoo/onnx/base.onnx zoo/onnx/reference-logits.json
const ort = require('onnxruntime-node');
const fs = require('fs');
(async () => {
  const [model, refPath] = process.argv.slice(2);
  const ref = JSON.parse(fs.readFileSync(refPath));
  const s = await ort.InferenceSession.create(model);
  for (const c of ref.cases) {
    const ids = BigInt64Array.from(c.input_ids.map(BigInt));
    const out = await s.run({ input_ids: new ort.Tensor('int64', ids, [1, ids.length]) });
    const L = out.logits; const V = L.dims[2]; const T = L.dims[1];
    const last = Array.from(L.data.slice((T - 1) * V, T * V));
    let maxd = 0;
    c.last_position_first5.forEach((v, i) => maxd = Math.max(maxd, Math.abs(v - last[i])));
    c.last_position_last5.forEach((v, i) => maxd = Math.max(maxd, Math.abs(v - last[V - 5 + i])));
    const am = [];
    for (let t = 0; t < T; t++) { let b = 0; for (let v = 1; v < V; v++) if (L.data[t * V + v] > L.data[t * V + b]) b = v; am.push(b); }
    console.log(c.prompt, 'maxdiff', maxd, 'argmax equal', JSON.stringify(am) === JSON.stringify(c.argmax_per_position));
  }
  // batch of two, right padded: the shorter row must equal its unpadded run
  const a = ref.cases[0].input_ids, b = ref.cases[2].input_ids; const T = Math.max(a.length, b.length);
  const pad = (x) => x.concat(Array(T - x.length).fill(0));
  const ids = BigInt64Array.from(pad(a).concat(pad(b)).map(BigInt));
  const out = await s.run({ input_ids: new ort.Tensor('int64', ids, [2, T]) });
  const V = out.logits.dims[2];
  const lastA = Array.from(out.logits.data.slice((a.length - 1) * V, a.length * V));
  let d = 0; ref.cases[0].last_position_first5.forEach((v, i) => d = Math.max(d, Math.abs(v - lastA[i])));
  console.log('batched right-padded maxdiff', d);
})();
