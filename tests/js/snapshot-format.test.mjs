// スナップショットを置く形（docs/assets/calc/snapshot-format.js）：0 ばかりのページを省き、元どおりに戻す。
// 壊れた項目（形が違う、短い、余る）は Error にする（worker.js はその項目を捨てて普通に起動する）。
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAGIC, PAGE, packSnapshot, unpackSnapshot } from "../../docs/assets/calc/snapshot-format.js";

const pack = raw => new Uint8Array(Buffer.concat(packSnapshot(raw).map(part => Buffer.from(part.buffer, part.byteOffset, part.length))));

// ページ 0、2、3 に値、1 と 4 は 0 ばかり、最後に端数 100 バイト（Pyodide の見出しのように先頭に値がある形）
function sample() {
  const raw = new Uint8Array(5 * PAGE + 100);
  raw[0] = 1;
  raw[2 * PAGE + 17] = 0xff;
  raw[4 * PAGE - 1] = 7;  // ページ 3 の最後のバイト
  raw[5 * PAGE + 99] = 9;  // 端数の最後
  return raw;
}

test("0 ばかりのページ（1 と 4）を省き、元のバイト列に戻る", () => {
  const raw = sample();
  const packed = pack(raw);
  assert.equal(String.fromCharCode(...packed.subarray(0, 8)), MAGIC);
  assert.equal(packed.length, 16 + 1 + 3 * PAGE + 100);  // 見出し、印1バイト、値のある3ページ、端数
  assert.equal(packed[16], 0b01101);  // ページ 0、2、3
  assert.deepEqual(unpackSnapshot(packed), raw);
});

test("すべて 0 なら見出しと印と端数だけ、端数のない大きさも戻る", () => {
  const zeros = new Uint8Array(3 * PAGE + 5);
  const packed = pack(zeros);
  assert.equal(packed.length, 16 + 1 + 5);
  assert.deepEqual(unpackSnapshot(packed), zeros);
  const exact = new Uint8Array(9 * PAGE).fill(3);  // 9ページ：印は2バイト、端数なし
  assert.equal(pack(exact).length, 16 + 2 + 9 * PAGE);
  assert.deepEqual(unpackSnapshot(pack(exact)), exact);
});

test("4 の倍数でない位置から始まる配列も、1ページ目の最後の1バイトだけの違いも見落とさない", () => {
  const buffer = new Uint8Array(2 * PAGE + 1);
  const raw = buffer.subarray(1);  // byteOffset 1
  raw[PAGE - 1] = 5;
  const packed = pack(raw);
  assert.equal(packed.length, 16 + 1 + PAGE);
  assert.deepEqual(unpackSnapshot(packed), new Uint8Array(raw));
});

test("違う形（gzip の項目）、短い、足りない、余る項目は Error", () => {
  const packed = pack(sample());
  assert.throws(() => unpackSnapshot(new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])), /形が違います/);
  assert.throws(() => unpackSnapshot(packed.subarray(0, 10)), /短すぎます/);
  assert.throws(() => unpackSnapshot(packed.subarray(0, packed.length - 1)), /長さが合いません/);
  const longer = new Uint8Array(packed.length + 1);
  longer.set(packed);
  assert.throws(() => unpackSnapshot(longer), /長さが合いません/);
  const lying = packed.slice();
  lying[16] = 0b11111;  // 印だけ増やす：ページが足りない
  assert.throws(() => unpackSnapshot(lying), /長さが合いません/);
});
