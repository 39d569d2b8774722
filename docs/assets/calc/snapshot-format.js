/*
 * Pyodide のメモリのスナップショット（docs/assets/calc/worker.js、issue 17）を Cache Storage に置く形：
 * 0 ばかりの 4 KiB のページを省く。
 *
 * スナップショット（約38 MB）の約45% のページは 0 ばかりで、省くと約21 MB になる。gzip（CompressionStream）なら
 * 約8 MB だが、2回目の訪問のたびに展開に約0.16〜0.28秒かかった（最初の結果まで約0.57秒のうち）。この形は読んで
 * 並べ直すだけ（約0.01秒）。
 *
 * 形（リトルエンディアン）：
 *   0〜7    MAGIC（"TKZPAGE1"）
 *   8〜15   元の大きさ（バイト、Float64。wasm32 のメモリは 4 GiB まで）
 *   16〜    ページの印：ページ i（元の i×4096 バイト目から 4096 バイト）が 0 ばかりでなければ、(i >> 3) バイト目の
 *           (i & 7) ビットが 1。ページの数は floor(元の大きさ / 4096)、印は ceil(ページの数 / 8) バイト
 *   続いて  印が 1 のページを順に、最後に端数（元の大きさ % 4096 バイト、0 でも省かない）
 */

export const MAGIC = "TKZPAGE1";
export const PAGE = 4096;
const HEAD = 16;

const bitmapBytes = pages => Math.ceil(pages / 8);
const marked = (bitmap, page) => (bitmap[page >> 3] >> (page & 7)) & 1;  // ページの印が 1 か

// 元のバイト列 → Blob の部品の配列（new Blob(parts) で1つにする。部品は raw の一部を指す：raw を変えないこと）
export function packSnapshot(raw) {
  if (!(raw instanceof Uint8Array))
    throw new TypeError("スナップショットは Uint8Array で渡してください");
  const pages = Math.floor(raw.length / PAGE);
  const head = new Uint8Array(HEAD);
  head.set(Array.from(MAGIC, c => c.charCodeAt(0)));
  new DataView(head.buffer).setFloat64(8, raw.length, true);
  const bitmap = new Uint8Array(bitmapBytes(pages));
  const parts = [head, bitmap];
  // 4 バイトずつ見る（raw.byteOffset が 4 の倍数でなければ1バイトずつ）
  const words = raw.byteOffset % 4 === 0 ? new Uint32Array(raw.buffer, raw.byteOffset, pages * (PAGE / 4)) : null;
  for (let page = 0; page < pages;) {
    if (isZero(raw, words, page)) {
      page += 1;
      continue;
    }
    let end = page;  // 0 でないページの続き：一つの部品にする
    while (end < pages && !isZero(raw, words, end)) {
      bitmap[end >> 3] |= 1 << (end & 7);
      end += 1;
    }
    parts.push(raw.subarray(page * PAGE, end * PAGE));
    page = end;
  }
  parts.push(raw.subarray(pages * PAGE));
  return parts;
}

function isZero(raw, words, page) {
  if (words) {
    for (let i = page * (PAGE / 4), end = i + PAGE / 4; i < end; i++)
      if (words[i] !== 0)
        return false;
    return true;
  }
  for (let i = page * PAGE, end = i + PAGE; i < end; i++)
    if (raw[i] !== 0)
      return false;
  return true;
}

// 置いた形 → 元のバイト列。形が違う・足りない・余るときは Error（呼ぶ側は項目を捨てて普通に起動する）
export function unpackSnapshot(data) {
  if (!(data instanceof Uint8Array) || data.length < HEAD)
    throw new Error("スナップショットが短すぎます");
  for (let i = 0; i < MAGIC.length; i++)
    if (data[i] !== MAGIC.charCodeAt(i))
      throw new Error("スナップショットの形が違います");
  const size = new DataView(data.buffer, data.byteOffset, HEAD).getFloat64(8, true);
  if (!Number.isSafeInteger(size) || size < 0)
    throw new Error("スナップショットの大きさが読めません");
  const pages = Math.floor(size / PAGE);
  const bitmap = data.subarray(HEAD, HEAD + bitmapBytes(pages));
  let kept = 0;
  for (let page = 0; page < pages; page++)
    kept += marked(bitmap, page);
  let offset = HEAD + bitmapBytes(pages);  // 最初のページ
  const expected = offset + kept * PAGE + size % PAGE;
  if (data.length !== expected)
    throw new Error(`スナップショットの長さが合いません（${data.length} バイト、${expected} バイトのはず）`);
  const raw = new Uint8Array(size);
  for (let page = 0; page < pages;) {
    if (!marked(bitmap, page)) {
      page += 1;
      continue;
    }
    let end = page;
    while (end < pages && marked(bitmap, end))
      end += 1;
    const length = (end - page) * PAGE;
    raw.set(data.subarray(offset, offset + length), page * PAGE);
    offset += length;
    page = end;
  }
  raw.set(data.subarray(offset), pages * PAGE);
  return raw;
}
